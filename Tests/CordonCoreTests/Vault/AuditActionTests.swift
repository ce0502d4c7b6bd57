import Testing

@testable import CordonCore

/// The action names the trail stores: DPOs search for them and `audit/verify.py` reads
/// them, so each constant must keep its raw value exactly.
@Suite("AuditAction")
struct AuditActionTests {
    static let onDisk = [
        "instance.init", "instance.reinit", "instance.close", "keys.rotate.master", "keys.rotate.kek",
        "keys.rotate.pages", "keys.split", "keys.combine", "keys.keyfile.remove", "server.unseal",
        "ingest.subjects", "ingest.events", "ingest.response", "ingest.keys.expire", "subject.lookup",
        "subject.export", "subject.rectify", "subject.consent", "subject.erase", "subject.receipt",
        "subject.tombstone", "retention.run", "retention.delete", "retention.expire", "dsr.open", "dsr.extend",
        "dsr.complete", "dsr.record", "dsr.list", "dsr.show", "breach.open", "breach.update", "breach.notify",
        "breach.close", "breach.list", "breach.show", "breach.scope", "breach.notice", "transfer.request",
        "transfer.list", "ropa.generate", "query.run", "query.relay", "query.explain", "query.budget", "query.save",
        "query.saved.list", "token.create", "token.revoke", "auth.failure", "http.request", "request.misdirected",
        "store.verify",
        "store.restore", "store.unavailable", "store.recovered", "backup.create", "backup.restore",
        "audit.recovered", "audit.relay", "witness.cosign", "witness.alarm", "witness.failed", "witness.receive",
        "witness.list",
    ]

    @Test func everyActionKeepsItsOnDiskName() {
        #expect(AuditAction.all.map(\.rawValue) == Self.onDisk)
    }

    @Test func actionsAreDistinct() {
        #expect(Set(AuditAction.all).count == AuditAction.all.count)
    }

    @Test(arguments: [
        (AuditAction.subjectErase, "subject.erase"), (.keysKeyFileRemove, "keys.keyfile.remove"),
        (.querySavedList, "query.saved.list"), (.httpRequest, "http.request"),
    ])
    func anActionPrintsAsItsRawValue(_ action: AuditAction, _ text: String) {
        #expect(action.rawValue == text)
        #expect("\(action)" == text)
    }
}
