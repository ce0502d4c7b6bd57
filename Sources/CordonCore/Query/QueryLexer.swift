/// Splits query text into tokens, refusing anything outside the language's small ASCII
/// alphabet before the parser sees it.
///
/// Hostile input is bounded here: the text length (``QueryLimits/maximumLength``), NUL and
/// other control characters, and non-ASCII characters outside string literals — so a
/// Unicode confusable such as a fullwidth `＝` or a Cyrillic `с` in `сountry` is an error at
/// its position, never silently read as something else (Unicode TR 39 §4 on confusables).
struct QueryLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Every token of `text`, ending with `.end`.
    static func tokenize(_ text: String) throws(QueryError) -> [QueryToken] {
        guard text.utf8.count <= QueryLimits.maximumLength else {
            throw QueryError(
                .tooLarge,
                "the query is \(text.utf8.count) bytes; at most \(QueryLimits.maximumLength) are accepted"
            )
        }
        var lexer = QueryLexer(text)
        var tokens: [QueryToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
            if tokens.count > QueryLimits.maximumTokens {
                throw QueryError(
                    .tooLarge,
                    "the query has more than \(QueryLimits.maximumTokens) tokens",
                    at: token.position
                )
            }
        }
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func next() throws(QueryError) -> QueryToken {
        skipSpaceAndComments()
        let start = position
        guard let scalar = peek() else { return QueryToken(kind: .end, position: start) }
        if scalar.value == 0 || (scalar.value < 0x20) || scalar.value == 0x7F {
            throw QueryError(.syntax, "control character U+\(hex(scalar)) is not allowed in a query", at: start)
        }
        if !scalar.isASCII {
            throw QueryError(
                .syntax,
                "unexpected character U+\(hex(scalar)); outside string literals only ASCII letters, digits and the operators ( ) , * = <> < <= > >= are allowed",
                at: start
            )
        }
        if isLetter(scalar) || scalar == "_" { return try word(start: start) }
        if isDigit(scalar) { return try number(start: start) }
        if scalar == "'" {
            return try stringLiteral(start: start)
        }
        if scalar == "\"" || scalar == "`" || scalar == "[" {
            throw QueryError(
                .syntax,
                "quoted identifiers are not supported; write field names bare (country, channel) and values in single quotes",
                at: start
            )
        }
        return try symbol(scalar, start: start)
    }

    /// Skips whitespace and `--` comments.
    private mutating func skipSpaceAndComments() {
        while let scalar = peek() {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                advance()
            } else if scalar == "-", peek(1) == "-" {
                while let next = peek(), next != "\n" { advance() }
            } else {
                break
            }
        }
    }

    /// A keyword or a name, lowercased.
    private mutating func word(start: SourcePosition) throws(QueryError) -> QueryToken {
        var word = ""
        while let next = peek(), isLetter(next) || isDigit(next) || next == "_" {
            word.unicodeScalars.append(next)
            advance()
        }
        if let next = peek(), !next.isASCII {
            throw QueryError(
                .syntax,
                "unexpected character U+\(hex(next)) in a name; names are ASCII letters, digits and '_'",
                at: position
            )
        }
        return QueryToken(kind: .word(word.lowercased()), position: start)
    }

    /// An integer of at most 18 digits.
    private mutating func number(start: SourcePosition) throws(QueryError) -> QueryToken {
        var digits = ""
        while let next = peek(), isDigit(next) {
            digits.unicodeScalars.append(next)
            advance()
        }
        guard digits.count <= 18, let value = Int64(digits) else {
            throw QueryError(
                .syntax,
                "the number \(digits.prefix(20))… is too large; numbers have at most 18 digits",
                at: start
            )
        }
        return QueryToken(kind: .integer(value), position: start)
    }

    /// An operator or punctuation, `scalar` being its first character.
    private mutating func symbol(_ scalar: Unicode.Scalar, start: SourcePosition) throws(QueryError) -> QueryToken {
        advance()
        switch scalar {
        case "(", ")", ",", "*", ";", "=", ".":
            return QueryToken(kind: .symbol(String(scalar)), position: start)
        case "<":
            if peek() == "=" || peek() == ">" {
                let second = peek()!
                advance()
                return QueryToken(kind: .symbol("<" + String(second)), position: start)
            }
            return QueryToken(kind: .symbol("<"), position: start)
        case ">":
            if peek() == "=" {
                advance()
                return QueryToken(kind: .symbol(">="), position: start)
            }
            return QueryToken(kind: .symbol(">"), position: start)
        case "!" where peek() == "=":
            advance()
            return QueryToken(kind: .symbol("<>"), position: start)
        default:
            throw QueryError(
                .syntax,
                "unexpected character '\(scalar)'; operators are = <> < <= > >= and the keywords AND, OR, NOT, IN, BETWEEN",
                at: start
            )
        }
    }

    private mutating func stringLiteral(start: SourcePosition) throws(QueryError) -> QueryToken {
        advance()  // opening quote
        var text = ""
        while true {
            guard let scalar = peek() else {
                throw QueryError(
                    .syntax,
                    "unterminated string literal; close it with a single quote (write '' for a quote inside)",
                    at: start
                )
            }
            if scalar.value == 0 || (scalar.value < 0x20 && scalar != "\t") {
                throw QueryError(
                    .syntax,
                    "control character U+\(hex(scalar)) is not allowed in a string literal",
                    at: position
                )
            }
            advance()
            if scalar == "'" {
                if peek() == "'" {
                    advance()
                    text.unicodeScalars.append("'")
                    continue
                }
                break
            }
            text.unicodeScalars.append(scalar)
            if text.utf8.count > QueryLimits.maximumLiteralLength {
                throw QueryError(
                    .tooLarge,
                    "a string literal is longer than \(QueryLimits.maximumLiteralLength) bytes",
                    at: start
                )
            }
        }
        return QueryToken(kind: .string(text), position: start)
    }

    private func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
