/// Read access to the columns of a result row, by index: ``Row`` (a copy) and
/// ``RowCursor`` (the statement's current row, read in place).
public protocol RowReading {
    /// The value at a column index.
    subscript(index: Int) -> DatabaseValue { get }
    /// Decodes the value at a column index, throwing ``StoreError/Code/columnNotFound``
    /// when out of range and ``StoreError/Code/typeMismatch`` when the type differs.
    func get<T: DatabaseValueConvertible>(_ type: T.Type, at index: Int) throws -> T
}

extension Row: RowReading {}

/// The current row of a statement being stepped, read column by column straight from
/// SQLite: no array of values is built per row, which matters when an aggregation reads
/// a million of them.
///
/// Valid only inside the ``Connection/scanRows(_:_:)`` body that hands it out; the next
/// step overwrites what it reads.
public struct RowCursor: RowReading {
    let statement: Statement
    let columnCount: Int

    public subscript(index: Int) -> DatabaseValue {
        precondition((0..<columnCount).contains(index), "column index \(index) out of range 0..<\(columnCount)")
        return statement.value(at: Int32(index))
    }

    public func get<T: DatabaseValueConvertible>(_ type: T.Type, at index: Int) throws -> T {
        guard (0..<columnCount).contains(index) else {
            throw StoreError(code: .columnNotFound, message: "no column at index \(index) of \(columnCount)")
        }
        do {
            return try T.fromDatabaseValue(statement.value(at: Int32(index)))
        } catch var error as StoreError where error.code == .typeMismatch {
            error.message = "column \"\(statement.columnNames[index])\" (index \(index)): \(error.message)"
            throw error
        }
    }
}

extension Connection {
    /// Runs a query and hands each row to `body` as a ``RowCursor`` (no per-row copy);
    /// ``forEachRow(_:_:)`` when the body keeps rows.
    public func scanRows(_ sql: SQL, _ body: (RowCursor) throws -> Void) throws {
        try withStatement(sql) { try $0.scanRows(body) }
    }
}
