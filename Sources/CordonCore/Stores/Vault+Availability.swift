import CordonAudit
import Synchronization

extension Vault {
    /// The regions that cannot serve now, with the reason each gives its requests: stores
    /// found rolled back, missing or damaged when the vault opened, and stores found damaged
    /// while serving. Every other region serves as usual.
    public var unavailableRegions: [RegionID: VaultError] {
        unavailableStores.withLock { unavailable in
            Dictionary(uniqueKeysWithValues: unavailable.map { ($0.key, $0.value.naming($0.key)) })
        }
    }

    /// Takes a region whose store failed authentication or is damaged out of service until
    /// it is restored (`cordon store restore`) or the vault is opened again: its pages can no
    /// longer be trusted to be the ones Cordon wrote, so nothing more is read from or
    /// written to it. Other failures (a full volume, an I/O error) pass with the request
    /// that met them, and the region stays in service.
    func takeOutOfService(_ region: RegionID, because failure: VaultError) {
        guard failure.code == .storeCorrupt else { return }
        let first = unavailableStores.withLock { unavailable in
            defer { unavailable[region] = unavailable[region] ?? failure }
            return unavailable[region] == nil
        }
        // Marked unavailable first, so ``store(_:)`` refuses before it could open it again.
        stores.withLock { _ = $0.removeValue(forKey: region) }
        guard first else { return }
        addWarning("region \(region) was taken out of service: \(failure.message)")
        // The trail says so too, for the DPO: from here on the region refuses every request
        // until it is restored. Best effort: the request that found the damage fails anyway.
        _ = try? record(
            AccessContext.system("cordon:vault"),
            AuditRecord(
                action: .storeUnavailable,
                regions: [region],
                outcome: .error,
                reason:
                    "\(failure.code): its store failed authentication or is damaged; restore it with `cordon store restore`"
            )
        )
    }

    /// Runs `body` for one region, or returns the region's failure when its store cannot
    /// serve (unavailable, or failing during `body`): for work that goes region by region
    /// and must not let one region's failure stop the others. Any other error (the audit
    /// trail, `control.db`, another region's store) is thrown.
    func forRegion<T>(_ region: RegionID, _ body: (RegionStore) throws -> T) throws -> Result<T, VaultError> {
        do {
            return .success(try body(try store(region)))
        } catch let error as VaultError where error.isRegionStorageFailure && error.regions.contains(region) {
            return .failure(error)
        }
    }
}

extension VaultError {
    /// The failure of an answer that needed regions which could not answer: the first
    /// region's code (status follows it), every such region named, and why the answer
    /// cannot be given without them.
    static func regionsUnavailable(_ failures: [RegionID: VaultError], _ consequence: String) -> VaultError {
        let regions = failures.keys.sorted()
        let first = failures[regions[0]]!
        let named = regions.map { "\($0) (\(failures[$0]!.code))" }.joined(separator: ", ")
        return VaultError(
            first.code,
            "region \(named) cannot be read: \(consequence). \(first.message)",
            regions: regions
        )
    }
}
