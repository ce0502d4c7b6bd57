/// The configuration under a root directory did not pass the linter.
///
/// Its description lists every issue, one per line, so an operator can fix them all at
/// once. It contains file names, paths and rule values only, never subject data.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every issue found, in file order.
    public var issues: [LintIssue]

    /// Wraps the issues found by ``PolicyLinter``.
    public init(issues: [LintIssue]) { self.issues = issues }

    /// A summary line followed by one line per issue.
    public var description: String {
        let count = issues.count == 1 ? "1 issue" : "\(issues.count) issues"
        return (["Invalid policy configuration (\(count)):"] + issues.map { "  \($0)" }).joined(separator: "\n")
    }
}
