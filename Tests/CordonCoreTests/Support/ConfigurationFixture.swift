import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// The shipped configuration and broken copies of it, for tests.
enum ConfigurationFixture {
    /// The package root.
    static var packageRoot: URL { TestPackage.root }

    /// The configuration shipped in `policies/` and `regions/`, loaded once.
    static var shipped: PolicyConfiguration { ShippedVault.configuration }

    /// Every shipped JSON file, relative to the root.
    static var shippedFiles: [String] {
        ["policies", "regions"].flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appending(path: directory).path)) ?? [])
                .filter { $0.hasSuffix(".json") }.sorted().map { "\(directory)/\($0)" }
        }
    }

    /// A fresh temporary root holding a copy of the shipped `policies/` and `regions/`.
    static func copy() throws -> URL {
        let root = try TemporaryDirectory.create(prefix: "cordon-policy")
        for directory in ["policies", "regions"] {
            try FileManager.default.copyItem(
                at: packageRoot.appending(path: directory),
                to: root.appending(path: directory)
            )
        }
        return root
    }

    /// A copy of the shipped configuration with `file` edited as a JSON object, then linted.
    static func lint(editing file: String, _ edit: (inout [String: Any]) throws -> Void) throws -> [LintIssue] {
        let root = try copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appending(path: file)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        try edit(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
        return PolicyLinter.lint(root: root)
    }

    /// A copy of the shipped configuration with `file` replaced by `text` (nil deletes it), then linted.
    static func lint(replacing file: String, with text: String?) throws -> [LintIssue] {
        let root = try copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appending(path: file)
        if let text {
            try Data(text.utf8).write(to: url)
        } else {
            try FileManager.default.removeItem(at: url)
        }
        return PolicyLinter.lint(root: root)
    }
}

extension Dictionary where Key == String, Value == Any {
    /// Edits the nested object at `keys`, creating nothing: a missing key is a test bug.
    mutating func edit(_ keys: String..., with change: (inout [String: Any]) -> Void) {
        func descend(_ object: inout [String: Any], _ path: ArraySlice<String>) {
            guard let key = path.first else {
                change(&object)
                return
            }
            guard var child = object[key] as? [String: Any] else { fatalError("no object at key '\(key)'") }
            descend(&child, path.dropFirst())
            object[key] = child
        }
        descend(&self, keys[...])
    }
}
