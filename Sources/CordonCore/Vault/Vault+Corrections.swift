import CordonAudit
import Synchronization

extension Vault {
    /// An entry that says an earlier entry's effect did not happen, kept until the trail
    /// takes it.
    struct Correction: Sendable {
        var context: AccessContext
        var record: AuditRecord
    }

    /// Appends `record` — an `aborted` entry after a failed COMMIT, or the `error` entry of
    /// a rotation audited before it failed — or, when the trail cannot take it now (one
    /// full volume for the stores and the trail), keeps it to be appended before any other
    /// entry. So the trail never goes on past an "ok" for an effect that did not happen:
    /// a later write to the same store would claim the same commit.
    func recordCorrection(_ record: AuditRecord, context: AccessContext) {
        corrections.withLock { pending in
            pending.append(Correction(context: context, record: record))
            try? Self.append(&pending, to: self)
        }
    }

    /// Appends the corrections the trail could not take when they were due, oldest first.
    /// Until it can, nothing else is recorded, so nothing else is done (fail closed).
    func recordPendingCorrections() throws {
        try corrections.withLock { pending in
            guard !pending.isEmpty else { return }
            try Self.append(&pending, to: self)
        }
    }

    private static func append(_ pending: inout [Correction], to vault: Vault) throws {
        while let next = pending.first {
            do {
                _ = try vault.append(next.context, next.record)
            } catch let error as VaultError {
                throw VaultError(
                    error.code,
                    "the audit trail cannot yet record that an earlier \(next.record.action) did not take effect, so it records nothing else: \(error.message)"
                )
            }
            pending.removeFirst()
        }
    }
}
