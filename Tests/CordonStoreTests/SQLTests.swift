import CordonStore
import Testing

@Suite struct SQLTests {
    @Test func interpolatedValuesBecomePlaceholders() throws {
        let table = SQLIdentifier("events")
        let country: String? = "FR"
        let sql: SQL = """
            SELECT * FROM \(identifier: table) WHERE amount > \(100) AND country = \(country) \
            AND channel IN (\(values: ["email", "ads"]))
            """
        #expect(
            sql.text
                == "SELECT * FROM \"events\" WHERE amount > ? AND country = ? AND channel IN (?, ?)"
        )
        #expect(sql.arguments == [.integer(100), .text("FR"), .text("email"), .text("ads")])
    }

    @Test func concatenationCarriesArguments() {
        let condition: SQL = "event = \("purchase")"
        var sql: SQL = "SELECT count(*) FROM events WHERE \(literal: condition)"
        sql += " AND ts >= \(1_700_000_000)"
        let joined = [SQL("a = \(1)"), SQL("b = \(2)")].joined(separator: " AND ")
        #expect(sql.text == "SELECT count(*) FROM events WHERE event = ? AND ts >= ?")
        #expect(sql.arguments == [.text("purchase"), .integer(1_700_000_000)])
        #expect(joined.text == "a = ? AND b = ?")
        #expect(("x" + joined).arguments == [.integer(1), .integer(2)])
    }

    @Test func emptyValueListRendersNothing() throws {
        let connection = try Connection(path: ":memory:")
        let none: [any DatabaseValueConvertible] = []
        #expect(try connection.scalar(Bool.self, "SELECT 1 IN (\(values: none))") == false)
        #expect(try connection.scalar(Bool.self, "SELECT 2 IN (\(values: [1, 2]))") == true)
    }

    @Test func injectionStringStaysAValue() throws {
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t(name TEXT)")
        let hostile = "x'); DROP TABLE t;--"
        try connection.execute("INSERT INTO t(name) VALUES (\(hostile))")
        #expect(try connection.scalar(String.self, "SELECT name FROM t WHERE name = \(hostile)") == hostile)
        #expect(try connection.scalar(Int.self, "SELECT count(*) FROM t") == 1)
    }
}

@Suite struct SQLIdentifierTests {
    @Test(arguments: ["", "1abc", "a b", "a\"b", "a;b", "naïve", "t--", "x'); DROP TABLE t;--", "a.b"])
    func rejectsInvalidNames(_ name: String) {
        let error = #expect(throws: StoreError.self) { try SQLIdentifier(name) }
        #expect(error?.code == .invalidIdentifier)
    }

    @Test(arguments: ["a", "_x", "Region_EU2", "select"])
    func acceptsAndQuotesValidNames(_ name: String) throws {
        #expect(try SQLIdentifier(name).quoted == "\"\(name)\"")
    }

    @Test func quotedKeywordWorksAsATableName() throws {
        let connection = try Connection(path: ":memory:")
        let table = SQLIdentifier("order")
        try connection.execute("CREATE TABLE \(identifier: table)(id INTEGER)")
        try connection.execute("INSERT INTO \(identifier: table) VALUES (\(1))")
        #expect(try connection.scalar(Int.self, "SELECT count(*) FROM \(identifier: table)") == 1)
    }

    @Test func misspelledQuotedColumnIsAnErrorNotAString() throws {
        // Double-quoted string literals are disabled, so "nme" cannot silently become 'nme'.
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t(name TEXT)")
        let column: SQLIdentifier = "nme"
        #expect(throws: StoreError.self) { try connection.query("SELECT \(identifier: column) FROM t") }
    }
}
