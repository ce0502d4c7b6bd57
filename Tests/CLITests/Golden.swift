import CordonTestSupport
import Foundation
import Testing

/// Expected CLI output kept in `Tests/CLITests/Golden/<name>.txt` (a resource of this
/// target). `CORDON_UPDATE_GOLDEN=1` (`make golden`) rewrites the files in the source tree
/// instead of comparing; review the diff, then commit it.
enum Golden {
    static var updating: Bool { ProcessInfo.processInfo.environment["CORDON_UPDATE_GOLDEN"] == "1" }

    /// Where `make golden` writes.
    static let sourceDirectory = TestPackage.root.appending(path: "Tests/CLITests/Golden")

    /// The copies the build bundled, which the comparison reads.
    static let bundledDirectory = Bundle.module.resourceURL!.appending(path: "Golden")

    /// The names of the bundled golden files, without `.txt`.
    static var bundledNames: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: bundledDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// Compares `actual` with `<name>.txt`, or rewrites the file when updating.
    static func check(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if updating {
            try FileManager.default.createDirectory(at: sourceDirectory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: sourceDirectory.appending(path: "\(name).txt"))
            return
        }
        guard let data = FileManager.default.contents(atPath: bundledDirectory.appending(path: "\(name).txt").path)
        else {
            Issue.record(
                "no golden file Golden/\(name).txt: run `make golden` and review the new file",
                sourceLocation: sourceLocation
            )
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard actual != expected else { return }
        Issue.record(
            "Golden/\(name).txt differs (\(firstDifference(expected, actual))); if the change is intended, run `make golden` and review the diff",
            sourceLocation: sourceLocation
        )
    }

    /// Removes golden files nothing checks any more (when updating), or reports them.
    static func checkNoOthers(
        than names: Set<String>,
        prefix: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let present = (try? FileManager.default.contentsOfDirectory(atPath: sourceDirectory.path)) ?? []
        let stale = bundledNames.filter { $0.hasPrefix(prefix) && !names.contains($0) }
        if updating {
            for file in present where file.hasPrefix(prefix) && !names.contains(String(file.dropLast(4))) {
                try? FileManager.default.removeItem(at: sourceDirectory.appending(path: file))
            }
        } else if !stale.isEmpty {
            Issue.record(
                "golden files for no command: \(stale.joined(separator: ", ")); run `make golden` to remove them",
                sourceLocation: sourceLocation
            )
        }
    }

    /// "line N: expected ... got ...", for the first line that differs.
    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let want = index < expectedLines.count ? String(expectedLines[index]) : "(end of file)"
            let got = index < actualLines.count ? String(actualLines[index]) : "(end of output)"
            if want != got { return "line \(index + 1): expected \"\(want)\", got \"\(got)\"" }
        }
        return "same lines"
    }

    /// `text` with what varies between runs replaced by placeholders: the scratch
    /// directory, the package root, times, and generated identifiers and secrets.
    static func normalize(_ text: String, scratch: TemporaryDirectory? = nil) -> String {
        var text = text
        if let scratch {
            // /tmp may be a symbolic link; both spellings are replaced.
            for path in Set([scratch.path, scratch.url.resolvingSymlinksInPath().path]) {
                text = text.replacingOccurrences(of: path, with: "<scratch>")
            }
        }
        text = text.replacingOccurrences(of: TestPackage.root.path, with: "<root>")
        text = text.replacing(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/, with: "<time>")
        text = text.replacing(/\b(ps|tok|dsr|req|sq|br|er)_[0-9A-Za-z]{6,}\b/) { match in "\(match.output.1)_<id>" }
        return text
    }
}
