/// A Swift type that converts to and from a ``DatabaseValue``, so it can be bound into
/// ``SQL`` and read from a ``Row``.
public protocol DatabaseValueConvertible: Sendable {
    /// The value to bind.
    var databaseValue: DatabaseValue { get }

    /// Decodes a stored value, throwing ``StoreError/Code/typeMismatch`` when it has
    /// another type.
    static func fromDatabaseValue(_ value: DatabaseValue) throws -> Self
}

extension DatabaseValueConvertible {
    /// The error every conversion throws; it names the storage classes, never the value.
    static func mismatch(_ value: DatabaseValue) -> StoreError {
        StoreError(
            code: .typeMismatch,
            message: "expected \(Self.self), found \(value.storageClassName)"
        )
    }
}

extension DatabaseValue: DatabaseValueConvertible {
    /// The value itself.
    public var databaseValue: DatabaseValue { self }

    /// Returns the value unchanged.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> DatabaseValue { value }
}

extension Int64: DatabaseValueConvertible {
    /// The integer as `.integer`.
    public var databaseValue: DatabaseValue { .integer(self) }

    /// Decodes `.integer` only; a real is not silently truncated.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> Int64 {
        guard case .integer(let integer) = value else { throw mismatch(value) }
        return integer
    }
}

extension Int: DatabaseValueConvertible {
    /// The integer as `.integer`.
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }

    /// Decodes `.integer` within `Int`'s range.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> Int {
        guard case .integer(let integer) = value, let result = Int(exactly: integer) else {
            throw mismatch(value)
        }
        return result
    }
}

extension Int32: DatabaseValueConvertible {
    /// The integer as `.integer`.
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }

    /// Decodes `.integer` within `Int32`'s range; a larger integer is a mismatch.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> Int32 {
        guard case .integer(let integer) = value, let result = Int32(exactly: integer) else {
            throw mismatch(value)
        }
        return result
    }
}

extension Double: DatabaseValueConvertible {
    /// The number as `.real`.
    public var databaseValue: DatabaseValue { .real(self) }

    /// Decodes `.real`, and `.integer` too, because SQLite returns `SUM` over integers
    /// and REAL-affinity columns holding whole numbers as integers.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> Double {
        switch value {
        case .real(let real): return real
        case .integer(let integer): return Double(integer)
        default: throw mismatch(value)
        }
    }
}

extension String: DatabaseValueConvertible {
    /// The string as `.text`.
    public var databaseValue: DatabaseValue { .text(self) }

    /// Decodes `.text` only.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> String {
        guard case .text(let text) = value else { throw mismatch(value) }
        return text
    }
}

extension [UInt8]: DatabaseValueConvertible {
    /// The bytes as `.blob`; an empty array stays an empty blob, not NULL.
    public var databaseValue: DatabaseValue { .blob(self) }

    /// Decodes `.blob` only.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> [UInt8] {
        guard case .blob(let bytes) = value else { throw mismatch(value) }
        return bytes
    }
}

extension Bool: DatabaseValueConvertible {
    /// The boolean as SQLite spells it: integer 1 or 0.
    public var databaseValue: DatabaseValue { .integer(self ? 1 : 0) }

    /// Decodes `.integer`, any non-zero value being true as in SQL.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> Bool {
        guard case .integer(let integer) = value else { throw mismatch(value) }
        return integer != 0
    }
}

extension Optional: DatabaseValueConvertible where Wrapped: DatabaseValueConvertible {
    /// `nil` as `.null`, otherwise the wrapped value's.
    public var databaseValue: DatabaseValue { self?.databaseValue ?? .null }

    /// Decodes `.null` as `nil`, anything else as the wrapped type.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> Wrapped? {
        if case .null = value { return nil }
        return try Wrapped.fromDatabaseValue(value)
    }
}
