import CordonAudit
import Testing

@testable import CordonCore

/// The decision that compares a store's own anchor with the newest one the trail states.
@Suite("Anchors: reconciling a store with the trail")
struct ReconcileTests {
    static let store = AnchoredStore.region("eu")

    static func audited(
        _ counter: Int64,
        batch: Int64? = 70,
        sequence: UInt64 = 40,
        outcome: AuditOutcome = .ok,
        action: String = "ingest.events",
        abortedBatch: Int64? = nil
    ) -> Vault.AuditedAnchor {
        Vault.AuditedAnchor(
            counter: counter,
            batch: batch,
            sequence: sequence,
            outcome: outcome,
            action: action,
            abortedBatch: abortedBatch
        )
    }

    static func verdict(
        _ state: StoreAnchor,
        _ audited: Vault.AuditedAnchor?,
        previous: Vault.AuditedAnchor? = nil
    ) throws -> String {
        switch try Vault.reconcile(store, state: state, audited: audited, previous: { previous }) {
        case .consistent: "consistent"
        case .recover: "recover"
        case .rolledBack: "rolled back"
        case .trailCut: "trail cut"
        }
    }

    @Test func aStoreAtItsAnchorIsConsistent() throws {
        #expect(try Self.verdict(StoreAnchor(counter: 5, batch: 70), Self.audited(5)) == "consistent")
        #expect(try Self.verdict(StoreAnchor(counter: 0, batch: 0), nil) == "consistent")
        // Entries written before batches were recorded carry only the counter.
        #expect(try Self.verdict(StoreAnchor(counter: 5, batch: 3), Self.audited(5, batch: nil)) == "consistent")
    }

    @Test func theSameCounterFromAnotherHistoryIsRefused() throws {
        #expect(try Self.verdict(StoreAnchor(counter: 5, batch: 71), Self.audited(5)) == "rolled back")
    }

    @Test func oneCommitBehindAWriteIsAnInterruptedWrite() throws {
        let before = Self.audited(4, batch: 69, sequence: 12)
        #expect(try Self.verdict(StoreAnchor(counter: 4, batch: 69), Self.audited(5), previous: before) == "recover")
        // ... but only from the state that write started from.
        #expect(
            try Self.verdict(StoreAnchor(counter: 4, batch: 68), Self.audited(5), previous: before) == "rolled back"
        )
        // A recovery entry states the store's real anchor: behind it is a rollback.
        #expect(
            try Self.verdict(StoreAnchor(counter: 4, batch: 69), Self.audited(5, action: "store.recovered"))
                == "rolled back"
        )
    }

    @Test func anAbortedCommitThatReachedTheDiskIsRecovered() throws {
        let aborted = Self.audited(4, batch: 69, outcome: .aborted, abortedBatch: 90)
        #expect(try Self.verdict(StoreAnchor(counter: 4, batch: 69), aborted) == "consistent")
        #expect(try Self.verdict(StoreAnchor(counter: 5, batch: 90), aborted) == "recover")
        #expect(try Self.verdict(StoreAnchor(counter: 5, batch: 91), aborted) == "trail cut")
    }

    @Test func fartherBehindIsARollbackAndAheadIsACutTrail() throws {
        #expect(try Self.verdict(StoreAnchor(counter: 3, batch: 1), Self.audited(5)) == "rolled back")
        #expect(try Self.verdict(StoreAnchor(counter: 6, batch: 1), Self.audited(5)) == "trail cut")
        #expect(try Self.verdict(StoreAnchor(counter: 1, batch: 1), nil) == "trail cut")
    }
}
