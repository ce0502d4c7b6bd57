import CordonAudit
import CordonStore
import Foundation
import Testing

@testable import CordonCore

@Suite("Anchored writes: work done after the audit entry")
struct AfterAppendTests {
    struct Refused: Error {}

    @Test func aStepThatFailsAfterTheEntryRollsBackAndIsRecordedAsAborted() throws {
        let fixture = try VaultFixture()
        let before = try fixture.vault.control.anchor()
        #expect(throws: Refused.self) {
            try fixture.vault.write(
                .control,
                context: fixture.context,
                { db in
                    try db.execute(
                        "INSERT INTO erasure_tombstones(region, subject_id, erased_at) VALUES ('eu', 'x', 1)"
                    )
                },
                entry: { _ in AuditRecord(action: AuditAction(rawValue: "test.write")) },
                afterAppend: { _, _, _ in throw Refused() }
            )
        }
        #expect(try fixture.vault.control.anchor() == before)
        #expect(try fixture.vault.control.tombstones(region: "eu").isEmpty)
        let entries = try fixture.entries().filter { $0.action == "test.write" }
        #expect(entries.map(\.outcome) == [.ok, .aborted])
        #expect(entries.last?.details["aborts"] == .integer(Int64(entries[0].sequence)))
        #expect(entries.last?.details["control.commit"] == .integer(before.counter))
        try fixture.reopen()
        #expect(try fixture.entries().filter { $0.action == "store.recovered" }.isEmpty)
    }

    @Test func theStepSeesTheEntryItFollows() throws {
        let fixture = try VaultFixture()
        var seen: UInt64?
        let (_, receipt) = try fixture.vault.write(
            .control,
            context: fixture.context,
            { _ in 1 },
            entry: { _ in AuditRecord(action: AuditAction(rawValue: "test.write")) },
            afterAppend: { _, value, entry in
                #expect(value == 1)
                seen = entry.sequence
            }
        )
        #expect(seen != nil && seen == receipt?.sequence)
    }
}
