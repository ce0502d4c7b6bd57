import Foundation

extension Vault {
    /// The configuration restricted to the regions `cordon.json` enables, after checking
    /// that the two agree with the stores on disk.
    ///
    /// A region enabled in `cordon.json` must be defined by the configuration. A store file
    /// under `regions/` whose region is no longer enabled is refused: its subjects would
    /// drop out of every lookup, export and erasure while their data stays on disk, and its
    /// anchors would go unchecked.
    static func enabledConfiguration(
        _ configuration: PolicyConfiguration,
        instance: InstanceConfiguration,
        dataDirectory: URL
    ) throws -> PolicyConfiguration {
        let enabled = Set(instance.regions.map(RegionID.init(rawValue:)))
        let undefined = enabled.filter { configuration.regions[$0] == nil }.map(\.rawValue).sorted()
        guard undefined.isEmpty else {
            throw VaultError(
                .configurationMismatch,
                "cordon.json enables region(s) \(undefined.joined(separator: ", ")), which the configuration does not define (no regions/<id>.json): restore those files or pass the right --config"
            )
        }
        let folder = dataDirectory.appendingPathComponent("regions")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let orphans = files.filter { $0.hasSuffix(".db") }.map { String($0.dropLast(3)) }
            .filter { !enabled.contains(RegionID(rawValue: $0)) }.sorted()
        guard orphans.isEmpty else {
            throw VaultError(
                .configurationMismatch,
                "regions/\(orphans[0]).db holds the store of region \(orphans[0]), which cordon.json does not enable: its subjects would be missing from every lookup, export and erasure. Enable the region again (add it back to cordon.json's regions, or run `cordon init` with regions/\(orphans[0]).json present)"
            )
        }
        return configuration.restricted(to: enabled)
    }
}
