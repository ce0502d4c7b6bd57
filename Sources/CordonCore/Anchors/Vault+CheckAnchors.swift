import CordonAudit
import Foundation
import Synchronization

extension Vault {
    /// Checks, before the vault serves anything, that the audit trail, `control.db` and
    /// every region store on disk tell one story:
    ///
    /// - the trail is at least as long as the checkpoint `control.db` witnessed, with the
    ///   same root at that size;
    /// - `control.db` is at its newest audited anchor (or one write the trail explains);
    /// - each region store is too; a region store file that is missing while the trail
    ///   records writes to it, rolled back, or damaged makes only that region unavailable.
    ///
    /// A store ahead of the trail proves the trail lost entries: the vault refuses to open.
    /// Writes the trail explains (a crash between an entry and its COMMIT) are recorded as
    /// `store.recovered` once every check has passed.
    func checkAnchors() throws {
        try checkWitness()
        let targets = [AnchoredStore.control] + regionIDs.map(AnchoredStore.region)
        let anchors = try latestAnchors(targets)
        func previous(_ target: AnchoredStore) -> () throws -> AuditedAnchor? {
            { [self] in
                guard let audited = anchors[target] else { return nil }
                return try latestAnchors([target], before: audited.sequence)[target]
            }
        }
        var recoveries: [(target: AnchoredStore, state: StoreAnchor, reason: String, resolves: UInt64)] = []

        let controlState = try control.anchor()
        switch try Self.reconcile(
            .control,
            state: controlState,
            audited: anchors[.control],
            previous: previous(.control)
        ) {
        case .consistent: break
        case .recover(let reason, let resolves): recoveries.append((.control, controlState, reason, resolves))
        case .rolledBack(let message):
            throw VaultError(.storeRolledBack, message + "; restore control.db from the newest backup")
        case .trailCut(let message): throw VaultError(.auditTrailCut, message + Self.trailCutAdvice)
        }

        var opened: [RegionID: RegionStore] = [:]
        var unavailable: [RegionID: VaultError] = [:]
        for region in regionIDs {
            let target = AnchoredStore.region(region)
            let url = RegionStore.url(for: region, in: dataDirectory)
            guard FileManager.default.fileExists(atPath: url.path) else {
                if let audited = anchors[target], audited.counter > 0 {
                    unavailable[region] = VaultError(
                        .storeMissing,
                        "\(url.path) is missing, but the audit trail records its commit \(audited.counter) (entry \(audited.sequence)): the store was deleted; restore it with `cordon store restore --region \(region) FILE`"
                    )
                }
                continue
            }
            let store: RegionStore
            let state: StoreAnchor
            do {
                store = try openStore(region)
                state = try store.anchor()
            } catch let error as VaultError {
                unavailable[region] = error
                continue
            }
            switch try Self.reconcile(target, state: state, audited: anchors[target], previous: previous(target)) {
            case .consistent:
                opened[region] = store
            case .recover(let reason, let resolves):
                recoveries.append((target, state, reason, resolves))
                opened[region] = store
            case .rolledBack(let message):
                unavailable[region] = VaultError(
                    .storeRolledBack,
                    message
                        + "; refusing to serve it. Restore the newest backup with `cordon store restore --region \(region) FILE` (it replays every erasure since)"
                )
            case .trailCut(let message):
                throw VaultError(.auditTrailCut, message + Self.trailCutAdvice)
            }
        }
        stores.withLock { $0.merge(opened) { current, _ in current } }
        unavailableStores.withLock { $0 = unavailable }
        for recovery in recoveries {
            try recordRecovery(
                recovery.target,
                state: recovery.state,
                reason: recovery.reason,
                resolves: recovery.resolves
            )
            // An erasure that did not reach the store is applied again (erasure stays erased).
            if case .region(let region) = recovery.target {
                try reapplyErasure(resolvedBy: recovery.resolves, in: region)
            }
        }
    }

    /// Refuses a trail shorter than the checkpoint `control.db` witnessed, or one whose
    /// first entries no longer hash to the witnessed root.
    func checkWitness() throws {
        guard let witnessed = try AuditWitness.read(from: control) else { return }
        let size = audit.treeSize
        guard witnessed.treeSize <= size else {
            throw VaultError(
                .auditTrailCut,
                "the audit trail holds \(size) entries, but control.db witnessed a signed checkpoint of \(witnessed.treeSize): the last \(witnessed.treeSize - size) entries were cut (and the checkpoints covering them deleted)"
                    + Self.trailCutAdvice
            )
        }
        let root: [UInt8]
        do {
            root = try audit.rootHash(treeSize: witnessed.treeSize)
        } catch {
            throw VaultError(.auditUnavailable, "cannot read the audit trail: \(error.message)", underlying: error)
        }
        guard root == witnessed.rootHash else {
            throw VaultError(
                .auditTrailCut,
                "the first \(witnessed.treeSize) entries of the audit trail no longer hash to the root of the checkpoint control.db witnessed: the trail was rewritten"
                    + Self.trailCutAdvice
            )
        }
    }

    /// What an operator does about a cut trail.
    static let trailCutAdvice =
        ". Cordon will not start on this trail, and signs nothing over it: restore the audit directory from a backup, and check it against a checkpoint kept off this machine with `cordon audit verify --checkpoint FILE`"
}
