import CordonTestSupport
import Foundation
import Testing

/// What a clone from the repository's host must hold on its own: CI clones the repository
/// into a directory with nothing beside it, so no test, script or build file may reach
/// outside the checkout for data.
@Suite("repository hygiene")
struct RepositoryHygieneTests {
    /// The workspace folder that sits beside the checkout on a developer's machine only.
    static let outsideFolder = ".." + "/shared"

    @Test func noTestScriptOrBuildFileReadsOutsideTheCheckout() throws {
        let root = CordonProcess.packageRoot
        var offenders: [String] = []
        for folder in ["Tests", "Sources", "scripts", "audit", ".ci"] {
            let url = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) else {
                continue
            }
            for case let file as URL in walker
            where ["swift", "c", "h", "py", "sh", "json", ""].contains(file.pathExtension) {
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                if text.contains(Self.outsideFolder) || text.contains("shared/" + "testdata") {
                    offenders.append(String(file.path.dropFirst(root.path.count + 1)))
                }
            }
        }
        for file in ["Makefile", "Package.swift"] {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            if text.contains(Self.outsideFolder) { offenders.append(file) }
        }
        #expect(offenders.isEmpty, "these files read outside the checkout; vendor what they need: \(offenders)")
    }
}
