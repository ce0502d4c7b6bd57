/// One result row: its values by position, with the column names of its statement.
///
/// ```swift
/// for row in try connection.query("SELECT id, country FROM subjects") {
///     let id = try row.get(Int64.self, at: 0)
///     let country = try row.get(String.self, "country")
/// }
/// ```
public struct Row: Hashable, Sendable {
    /// The column names, left to right.
    public let columnNames: [String]

    /// The values, left to right.
    public let values: [DatabaseValue]

    /// Creates a row; names and values must pair up.
    public init(columnNames: [String], values: [DatabaseValue]) {
        precondition(columnNames.count == values.count, "a row needs one name per value")
        self.columnNames = columnNames
        self.values = values
    }

    /// The number of columns.
    public var count: Int { values.count }

    /// The value at a column index, which must be in range.
    public subscript(index: Int) -> DatabaseValue {
        precondition(values.indices.contains(index), "column index \(index) out of range 0..<\(count)")
        return values[index]
    }

    /// The value of the leftmost column with this name, compared case-insensitively as
    /// SQLite does, or nil when there is no such column.
    public subscript(column: String) -> DatabaseValue? {
        index(ofColumn: column).map { values[$0] }
    }

    /// Decodes the value at a column index, throwing ``StoreError/Code/columnNotFound``
    /// when out of range and ``StoreError/Code/typeMismatch`` when the type differs.
    public func get<T: DatabaseValueConvertible>(_ type: T.Type, at index: Int) throws -> T {
        guard values.indices.contains(index) else {
            throw StoreError(
                code: .columnNotFound,
                message: "no column at index \(index) of \(count)"
            )
        }
        return try decode(type, at: index)
    }

    /// Decodes the value of a named column, throwing ``StoreError/Code/columnNotFound``
    /// when absent and ``StoreError/Code/typeMismatch`` when the type differs.
    public func get<T: DatabaseValueConvertible>(_ type: T.Type, _ column: String) throws -> T {
        guard let index = index(ofColumn: column) else {
            throw StoreError(code: .columnNotFound, message: "no column named \"\(column)\"")
        }
        return try decode(type, at: index)
    }

    private func decode<T: DatabaseValueConvertible>(_ type: T.Type, at index: Int) throws -> T {
        do {
            return try T.fromDatabaseValue(values[index])
        } catch var error as StoreError where error.code == .typeMismatch {
            // Column names come from the SQL text, which never carries values.
            error.message = "column \"\(columnNames[index])\" (index \(index)): \(error.message)"
            throw error
        }
    }

    private func index(ofColumn name: String) -> Int? {
        columnNames.firstIndex(of: name)
            ?? columnNames.firstIndex { $0.lowercased() == name.lowercased() }
    }
}
