/// The interpolation of ``SQL`` literals: values become `?` placeholders, and only
/// labeled, allow-listed types add text.
public struct SQLInterpolation: StringInterpolationProtocol, Sendable {
    /// The text assembled so far.
    var text: String
    /// The arguments assembled so far.
    var arguments: [DatabaseValue]

    /// Creates an empty interpolation.
    public init(literalCapacity: Int, interpolationCount: Int) {
        text = ""
        text.reserveCapacity(literalCapacity + 2 * interpolationCount)
        arguments = []
        arguments.reserveCapacity(interpolationCount)
    }

    /// Appends a literal segment of the source text.
    public mutating func appendLiteral(_ literal: StaticString) {
        text += literal.description
    }

    /// Appends a `?` placeholder bound to the value: `"... WHERE id = \(id)"`.
    public mutating func appendInterpolation(_ value: some DatabaseValueConvertible) {
        text += "?"
        arguments.append(value.databaseValue)
    }

    /// Appends a `?` placeholder bound to the value, or to NULL when it is nil.
    ///
    /// Spelled out so interpolating an optional reads as intended rather than as the
    /// "debug description for an optional value" that the compiler warns about.
    public mutating func appendInterpolation<Wrapped: DatabaseValueConvertible>(_ value: Wrapped?) {
        text += "?"
        arguments.append(value.databaseValue)
    }

    /// Appends a quoted identifier: `"SELECT * FROM \(identifier: table)"`.
    public mutating func appendInterpolation(identifier: SQLIdentifier) {
        text += identifier.quoted
    }

    /// Appends another SQL value, text and arguments: `"... WHERE \(literal: condition)"`.
    public mutating func appendInterpolation(literal sql: SQL) {
        text += sql.text
        arguments += sql.arguments
    }

    /// Appends one placeholder per value, separated by commas, for `IN` lists:
    /// `"... WHERE country IN (\(values: countries))"`.
    ///
    /// An empty list appends nothing; SQLite accepts `x IN ()` and it is false.
    public mutating func appendInterpolation(values: [any DatabaseValueConvertible]) {
        text += repeatElement("?", count: values.count).joined(separator: ", ")
        arguments += values.map(\.databaseValue)
    }
}
