import CordonSystem
public import Foundation

/// Checks the policy configuration under a root directory and reports every problem.
///
/// `cordon policy lint` prints its issues; ``PolicyConfiguration/load(from:)`` refuses to
/// load when there are any. Checks within one file (syntax, unknown or missing keys,
/// types, durations, country codes, value ranges) live with each type's decoding; the
/// checks across files live here.
///
/// ```swift
/// for issue in PolicyLinter.lint(root: root) { print(issue) }
/// ```
public enum PolicyLinter {
    /// The directory of policy files, relative to the root.
    public static let policiesDirectory = "policies"
    /// The directory of region files and the catalog, relative to the root.
    public static let regionsDirectory = "regions"
    /// The catalog's file name inside ``regionsDirectory``.
    public static let catalogFileName = "catalog.json"

    /// Every issue in the configuration under `root`, sorted by file and line; empty when valid.
    public static func lint(root: URL) -> [LintIssue] { check(root: root).issues }

    /// A parsed file: its relative name, its collector (issues, lines) and its model.
    struct Parsed<Model> {
        var file: String
        var collector: LintCollector
        var model: Model?
        /// The raw `id`, read even when the rest of the file is invalid, to avoid
        /// reporting "unknown policy" for a policy that exists but has other errors.
        var rawID: String?

        func line(_ path: String) -> Int? { collector.lines[path] }
    }

    /// Reads and checks everything; the configuration is `nil` when anything failed to read.
    static func check(root: URL) -> (configuration: PolicyConfiguration?, issues: [LintIssue]) {
        var issues: [LintIssue] = []
        let policyFiles = jsonFiles(in: policiesDirectory, root: root, issues: &issues)
        let regionFiles = jsonFiles(in: regionsDirectory, root: root, issues: &issues)
            .filter { $0 != "\(regionsDirectory)/\(catalogFileName)" }
        let policies = policyFiles.map { parse($0, root: root, reader: Policy.read) }
        let regions = regionFiles.map { parse($0, root: root, reader: Region.read) }
        let catalogFile = "\(regionsDirectory)/\(catalogFileName)"
        let catalog: Parsed<Catalog>? =
            FileManager.default.fileExists(atPath: root.appending(path: catalogFile).path)
            ? parse(catalogFile, root: root, reader: Catalog.read) : nil
        if catalog == nil {
            issues.append(
                LintIssue(
                    file: catalogFile,
                    path: "$",
                    message: "the catalog file is missing; it declares purposes and fields"
                )
            )
        }
        if policyFiles.isEmpty, FileManager.default.fileExists(atPath: root.appending(path: policiesDirectory).path) {
            issues.append(LintIssue(file: policiesDirectory, path: "$", message: "no policy files (*.json) found"))
        }
        for parsed in policies { issues += parsed.collector.issues }
        for parsed in regions { issues += parsed.collector.issues }
        if let catalog { issues += catalog.collector.issues }

        var crossFile = CrossFileChecks(policies: policies, regions: regions, catalog: catalog)
        crossFile.run()
        issues += crossFile.issues

        issues.sort { ($0.file, $0.line ?? Int.max) < ($1.file, $1.line ?? Int.max) }
        guard issues.isEmpty, let catalogModel = catalog?.model else { return (nil, issues) }
        let policyModels = policies.compactMap(\.model)
        let regionModels = regions.compactMap(\.model)
        let configuration = PolicyConfiguration(
            policies: Dictionary(uniqueKeysWithValues: policyModels.map { ($0.id, $0) }),
            regions: Dictionary(uniqueKeysWithValues: regionModels.map { ($0.id, $0) }),
            catalog: catalogModel
        )
        return (configuration, issues)
    }

    /// The `*.json` files directly inside `directory`, as sorted relative paths.
    static func jsonFiles(in directory: String, root: URL, issues: inout [LintIssue]) -> [String] {
        let url = root.appending(path: directory, directoryHint: .isDirectory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else {
            issues.append(LintIssue(file: directory, path: "$", message: "directory not found under \(root.path)"))
            return []
        }
        return names.filter { $0.hasSuffix(".json") }.sorted().map { "\(directory)/\($0)" }
    }

    /// Reads one file: syntax errors become an issue with their line; otherwise `reader` decodes it.
    static func parse<Model>(_ file: String, root: URL, reader: (JSONReader) -> Model?) -> Parsed<Model> {
        let collector = LintCollector(file: file)
        guard let data = FileManager.default.contents(atPath: root.appending(path: file).path) else {
            collector.report("cannot read the file", at: "$", line: nil)
            return Parsed(file: file, collector: collector, model: nil)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(data))
        } catch {
            collector.report(
                "malformed JSON at line \(error.line), column \(error.column): \(error.message)",
                at: "$",
                line: error.line
            )
            // Files are named after their id by convention; assuming so here keeps one
            // syntax error from cascading into "unknown policy" issues in other files.
            let baseName = String(file.split(separator: "/").last?.dropLast(".json".count) ?? "")
            return Parsed(file: file, collector: collector, model: nil, rawID: baseName)
        }
        var rawID: String?
        if case .object(let members) = value.kind, let idValue = members.first(where: { $0.key == "id" })?.value,
            case .string(let text) = idValue.kind
        {
            rawID = text
        }
        let model = reader(JSONReader(value: value, collector: collector))
        return Parsed(file: file, collector: collector, model: model, rawID: rawID)
    }
}
