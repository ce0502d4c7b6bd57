/// SQL text with its arguments, built so that values reach SQLite only as bound
/// parameters.
///
/// Interpolating a value appends a `?` placeholder and records the value:
///
/// ```swift
/// let sql: SQL = "SELECT id FROM subjects WHERE country = \(country) AND restricted = \(false)"
/// // text: "SELECT id FROM subjects WHERE country = ? AND restricted = ?"
/// ```
///
/// Anything spliced into the text itself needs a visible label and an allow-listed type:
/// `\(identifier:)` takes a validated ``SQLIdentifier``, `\(literal:)` another `SQL`
/// (its arguments come along), `\(values:)` a list rendered as `?, ?, ?`. There is no
/// initializer from a runtime `String`: the literal type is `StaticString`, so text
/// always comes from the source code.
public struct SQL: Hashable, Sendable, ExpressibleByStringInterpolation {
    /// The SQL text, with a `?` for every argument.
    public private(set) var text: String

    /// The values bound to the placeholders, in order.
    public private(set) var arguments: [DatabaseValue]

    /// Creates SQL from text that CordonStore itself assembled from literals and integers.
    init(verbatim text: String, arguments: [DatabaseValue] = []) {
        self.text = text
        self.arguments = arguments
    }

    /// Creates SQL from a literal without interpolations.
    public init(stringLiteral value: StaticString) {
        self.init(verbatim: value.description)
    }

    /// Creates SQL from an interpolated literal.
    public init(stringInterpolation: SQLInterpolation) {
        self.init(verbatim: stringInterpolation.text, arguments: stringInterpolation.arguments)
    }

    /// Appends another SQL value's text and arguments, with nothing in between.
    public mutating func append(_ other: SQL) {
        text += other.text
        arguments += other.arguments
    }

    /// Returns the concatenation of two SQL values, text and arguments.
    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// Appends the right-hand SQL to the left-hand one.
    public static func += (lhs: inout SQL, rhs: SQL) {
        lhs.append(rhs)
    }
}

extension Sequence where Element == SQL {
    /// Concatenates SQL fragments with a separator, such as `", "` or `" AND "`.
    public func joined(separator: SQL = "") -> SQL {
        var result: SQL = ""
        for (index, fragment) in enumerated() {
            if index > 0 { result.append(separator) }
            result.append(fragment)
        }
        return result
    }
}
