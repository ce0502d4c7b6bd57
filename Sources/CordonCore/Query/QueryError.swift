public import CordonCrypto

/// A query that cannot run: safe to show, points at the line and column of the problem and
/// says what is allowed instead.
///
/// Messages quote only the query's own tokens (never a stored value), so an error can be
/// shown to the analyst who wrote the query and written to the audit trail.
public struct QueryError: CordonError, Equatable {
    /// A stable, extensible code; compare with `==`.
    public struct Code: CordonErrorCode {
        /// The code's name, as scripts, the HTTP API and the audit trail see it.
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The text is not in the query language (a lexical or grammatical error).
        public static let syntax = Code("syntax")
        /// The query is well formed but asks for something Cordon never answers (a raw
        /// identifier, a PII field, `SELECT *`, rows without aggregation).
        public static let refused = Code("refused")
        /// A field, table, function or value the catalog does not declare.
        public static let invalid = Code("invalid")
        /// The query is too long, too deep or too large.
        public static let tooLarge = Code("too_large")
        /// The analyst's privacy budget cannot pay for the query in some region.
        public static let budgetExhausted = Code("budget_exhausted")
        /// The purpose is not declared, or the catalog does not let analysts query it.
        public static let purpose = Code("purpose")
        /// The purpose may be queried, but not by this caller: an API token names the
        /// purposes its analyst may query.
        public static let purposeNotPermitted = Code("purpose_not_permitted")
    }

    /// What kind of failure this is.
    public let code: Code
    /// One or two sentences: what is wrong and what is allowed instead.
    public let message: String
    /// 1-based line of the offending token, when the error is about the text.
    public let line: Int?
    /// 1-based column (in characters) of the offending token.
    public let column: Int?

    /// Creates an error at `position` (or about the query as a whole when nil).
    public init(_ code: Code, _ message: String, at position: SourcePosition? = nil) {
        self.code = code
        self.message = message
        self.line = position?.line
        self.column = position?.column
    }

    public var description: String {
        guard let line, let column else { return message }
        return "line \(line), column \(column): \(message)"
    }
}

/// Where a token starts in the query text (1-based line and column).
public struct SourcePosition: Hashable, Sendable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}
