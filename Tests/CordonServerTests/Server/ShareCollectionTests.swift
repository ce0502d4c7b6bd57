import CordonCrypto
import Testing

@testable import CordonServer

/// The sealed server's share collection as a state machine, without files or sockets.
@Suite struct ShareCollectionTests {
    @Test func sharesAccumulateToTheThresholdThenTheCollectionEmpties() throws {
        let shares = try Shamir.split(MasterKey(), count: 5, threshold: 3)
        var collection = ShareCollection()
        guard case .needMore(1, 3) = collection.add(shares[0], threshold: 3) else {
            Issue.record("expected 1 of 3")
            return
        }
        guard case .needMore(2, 3) = collection.add(shares[4], threshold: 3) else {
            Issue.record("expected 2 of 3")
            return
        }
        guard case .complete(let complete) = collection.add(shares[2], threshold: 3) else {
            Issue.record("expected the threshold to be met")
            return
        }
        #expect(complete.map(\.number) == [1, 5, 3])
        #expect(collection.received == 0)
    }

    @Test func aRepeatedShareChangesNothing() throws {
        let shares = try Shamir.split(MasterKey(), count: 3, threshold: 2)
        var collection = ShareCollection()
        _ = collection.add(shares[1], threshold: 2)
        guard case .duplicate(2, 1, 2) = collection.add(shares[1], threshold: 2) else {
            Issue.record("expected a duplicate of share 2")
            return
        }
        #expect(collection.received == 1)
        collection.reset()
        #expect(collection.received == 0)
    }
}
