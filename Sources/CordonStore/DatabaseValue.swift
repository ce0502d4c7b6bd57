/// One value as SQLite stores it: one of its five storage classes.
///
/// See <https://sqlite.org/datatype3.html>. An empty blob and NULL are different values.
public enum DatabaseValue: Hashable, Sendable {
    /// SQL NULL.
    case null
    /// A signed 64-bit integer.
    case integer(Int64)
    /// An IEEE 754 double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes, possibly empty.
    case blob([UInt8])

    /// The storage class name used in error messages; never the value itself, which may
    /// be personal data.
    var storageClassName: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text: "TEXT"
        case .blob: "BLOB"
        }
    }

    /// Whether this is SQL NULL.
    public var isNull: Bool {
        if case .null = self { true } else { false }
    }
}
