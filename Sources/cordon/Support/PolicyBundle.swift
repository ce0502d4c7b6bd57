import CordonCore
import Foundation

/// The linted policies, regions and catalog a command runs under.
enum PolicyBundle {
    /// Loads from `--config` (or its default); a lint failure lists every issue.
    static func load(_ global: GlobalOptions) throws -> PolicyConfiguration {
        let root = try global.requireConfigDirectory()
        do {
            return try PolicyConfiguration.load(from: root)
        } catch {
            throw CLIError(
                "the policies under \(root.path) do not lint:\n\(error)\nrun `cordon policy lint --config \(root.path)` for details"
            )
        }
    }
}

extension PolicyConfiguration {
    /// Region ids, sorted, as strings (for keyrings and cordon.json).
    var regionIDs: [String] { regions.keys.map(\.rawValue).sorted() }
}
