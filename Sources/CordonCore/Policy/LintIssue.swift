/// One problem found in the configuration, located precisely enough to fix.
///
/// ```
/// policies/gdpr.json:42: $.purposes.analytics.lawfulBasis: 'concent' is not allowed; expected one of: consent, contract, ...
/// ```
public struct LintIssue: Hashable, Sendable, CustomStringConvertible {
    /// The file, relative to the configuration root, e.g. `policies/gdpr.json`.
    public var file: String
    /// Where in the file, as a JSON path, e.g. `$.purposes.analytics.lawfulBasis`.
    public var path: String
    /// The 1-based line, when known.
    public var line: Int?
    /// What is wrong and what is allowed instead.
    public var message: String

    /// Creates an issue.
    public init(file: String, path: String, line: Int? = nil, message: String) {
        self.file = file
        self.path = path
        self.line = line
        self.message = message
    }

    /// `file:line: path: message`, the shape compilers use, so editors can jump to it.
    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return "\(location): \(path): \(message)"
    }
}
