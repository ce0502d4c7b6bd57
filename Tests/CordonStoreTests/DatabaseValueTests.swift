import CordonStore
import Foundation
import Testing

@Suite struct DatabaseValueTests {
    let connection: Connection

    init() throws {
        connection = try Connection(path: ":memory:")
        // No declared type, so no affinity converts what is stored.
        try connection.execute("CREATE TABLE t(v)")
    }

    private func roundTrip<T: DatabaseValueConvertible>(_ value: T) throws -> T {
        try connection.execute("DELETE FROM t")
        try connection.execute("INSERT INTO t(v) VALUES (\(value))")
        return try connection.firstRow("SELECT v FROM t").get(T.self, at: 0)
    }

    @Test(arguments: [
        DatabaseValue.null, .integer(0), .integer(.min), .integer(.max), .real(-1.5),
        .real(.greatestFiniteMagnitude), .text(""), .text("Grüße, 東京 🛒"), .text("nul\u{0}inside"),
        .blob([]), .blob([0, 1, 0xff, 0]),
    ])
    func everyStorageClassRoundTrips(_ value: DatabaseValue) throws {
        #expect(try roundTrip(value) == value)
    }

    @Test func swiftTypesRoundTrip() throws {
        #expect(try roundTrip(Int64.min) == .min)
        #expect(try roundTrip(Int64.max) == .max)
        #expect(try roundTrip(Int.max) == .max)
        #expect(try roundTrip(Int32.min) == .min)
        #expect(try roundTrip(0.1 as Double) == 0.1)
        #expect(try roundTrip("é and 😀") == "é and 😀")
        #expect(try roundTrip([UInt8]([1, 2, 3])) == [1, 2, 3])
        #expect(try roundTrip(true) == true)
        #expect(try roundTrip(false) == false)
        #expect(try roundTrip(Data([9, 8])) == Data([9, 8]))
    }

    @Test func optionalsMapNilToNull() throws {
        #expect(try roundTrip(String?.none) == nil)
        #expect(try roundTrip(Int64?.none) == nil)
        #expect(try roundTrip([UInt8]?.none) == nil)
        #expect(try roundTrip(String?.some("x")) == "x")
        #expect(try roundTrip(Optional(Int64.min)) == .min)
        #expect(try roundTrip(String?.none.databaseValue) == .null)
    }

    @Test func emptyBlobIsNotNull() throws {
        try connection.execute("INSERT INTO t(v) VALUES (\([UInt8]()))")
        try connection.execute("INSERT INTO t(v) VALUES (\(Data()))")
        #expect(try connection.scalar(Int.self, "SELECT count(*) FROM t WHERE v IS NULL") == 0)
        #expect(try connection.scalar(String.self, "SELECT DISTINCT typeof(v) FROM t") == "blob")
        #expect(try roundTrip([UInt8]()) == [])
        #expect(try roundTrip([UInt8]?.some([])) == [])
    }

    @Test func wrongTypeThrowsTypeMismatchNamingTheColumn() throws {
        try connection.execute("CREATE TABLE people(name TEXT, age INTEGER)")
        try connection.execute("INSERT INTO people VALUES (\("Alice Secret"), NULL)")
        let row = try connection.firstRow("SELECT name, age FROM people")

        let error = try #require(throws: StoreError.self) { try row.get(Int64.self, "name") }
        #expect(error.code == .typeMismatch)
        #expect(error.message.contains("\"name\""))
        #expect(!error.description.contains("Alice Secret"))

        #expect(throws: StoreError.self) { try row.get(String.self, at: 1) }
        #expect(try row.get(String?.self, at: 1) == nil)
    }

    @Test func integerOutOfRangeIsAMismatch() throws {
        #expect(throws: StoreError.self) { try Int32.fromDatabaseValue(.integer(Int64(Int32.max) + 1)) }
        #expect(throws: StoreError.self) { try Int64.fromDatabaseValue(.real(1)) }
        #expect(try Double.fromDatabaseValue(.integer(3)) == 3)
    }

    @Test func missingColumnThrowsColumnNotFound() throws {
        let row = try connection.firstRow("SELECT 1 AS one")
        #expect(row["ONE"] == .integer(1))
        #expect(row["two"] == nil)
        #expect(throws: StoreError.self) { try row.get(Int.self, "two") }
        let error = try #require(throws: StoreError.self) { try row.get(Int.self, at: 1) }
        #expect(error.code == .columnNotFound)
    }
}
