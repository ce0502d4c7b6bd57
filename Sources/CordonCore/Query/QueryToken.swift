/// One token of the query language, with where it starts.
struct QueryToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A bare word: a keyword or a field/function name, lowercased for matching.
        case word(String)
        /// A single-quoted string literal, quotes removed and `''` unescaped.
        case string(String)
        /// A non-negative integer literal.
        case integer(Int64)
        /// Punctuation or an operator: `( ) , * ; = <> != < <= > >= .`
        case symbol(String)
        /// The end of the input.
        case end
    }

    var kind: Kind
    var position: SourcePosition

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .word(let word): "'\(word)'"
        case .string: "a string literal"
        case .integer(let value): "the number \(value)"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end of the query"
        }
    }

    /// Whether the token is the keyword (or word) `word`, case-insensitively.
    func isWord(_ word: String) -> Bool {
        if case .word(let text) = kind { return text == word }
        return false
    }

    func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let text) = kind { return text == symbol }
        return false
    }
}
