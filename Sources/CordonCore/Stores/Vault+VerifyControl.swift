import CordonAudit
import CordonStore
import Foundation

extension Vault {
    /// The name `control.db`'s check carries in ``StoreCheck/region``.
    static let controlCheckName = "control"

    /// `control.db`'s check, as a region store's: every page and WAL frame authenticates,
    /// the file holds every page its header and WAL count, and its anchor matches the trail
    /// (a flipped or cut-off page of the token, DSR or budget records is otherwise found
    /// only if a request happens to read it).
    func verifyControlStore() throws -> StoreCheck {
        let path = control.url.path
        let audited = try latestAnchors([.control])[.control]
        var check = StoreCheck(region: Self.controlCheckName, file: path, auditedCommit: audited?.counter)
        do {
            let configuration = try Self.controlConfiguration(
                keys: keys,
                algorithm: StoreVerifier.algorithm(ofStoreAt: path) ?? pageAlgorithm
            )
            let report = try StoreVerifier.verify(path: path, encryption: configuration.encryption!)
            check.take(report)
        } catch let error as StoreError {
            check.problems.append("control.db does not open: \(error.message)")
        }
        check.checkExtent(of: path, naming: "control.db")
        if !check.problems.isEmpty { check.code = VaultError.Code.storeCorrupt.name }
        if check.problems.isEmpty {
            let state = try control.anchor()
            check.commit = state.counter
            let verdict = try Self.reconcile(.control, state: state, audited: audited) {
                guard let audited else { return nil }
                return try self.latestAnchors([.control], before: audited.sequence)[.control]
            }
            switch verdict {
            case .consistent: break
            case .recover(let reason, _): check.problems.append("one write behind the trail: \(reason)")
            case .rolledBack(let message):
                check.problems.append(message)
                check.code = VaultError.Code.storeRolledBack.name
            case .trailCut(let message):
                check.problems.append(message)
                check.code = VaultError.Code.auditTrailCut.name
            }
        }
        check.intact = check.problems.isEmpty
        return check
    }
}
