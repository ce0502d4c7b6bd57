public import Foundation

extension Data: DatabaseValueConvertible {
    /// The bytes as `.blob`; empty data stays an empty blob, not NULL.
    public var databaseValue: DatabaseValue { .blob([UInt8](self)) }

    /// Decodes `.blob` only.
    public static func fromDatabaseValue(_ value: DatabaseValue) throws -> Data {
        guard case .blob(let bytes) = value else { throw mismatch(value) }
        return Data(bytes)
    }
}
