public import Foundation

/// Where the package's files are, for tests that read the shipped `policies/` and
/// `regions/` or run the built binary.
public enum TestPackage {
    /// The package root, found from this file's path (`<root>/Tests/CordonTestSupport/...`).
    public static let root: URL = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
