import CordonAudit
import CordonCrypto
import Foundation
import Testing

@testable import CordonCore

@Suite("Witnessing a peer's trail")
struct WitnessRoundTests {
    static let context = AccessContext.system("test:witness")

    @Test func aFirstRoundCosignsRecordsAndDeliversTheCheckpoint() throws {
        let fixture = try VaultFixture()
        let stub = StubPeer()
        stub.grow(5)
        let round = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        #expect(round.outcome == .cosigned && round.treeSize == 5 && round.previousSize == nil && round.delivered)
        #expect(!round.consistencyProved)
        let note = try #require(stub.delivered.first)
        let cosigned = try Checkpoint.parse(note)
        let cosignatures = cosigned.cosignatures(
            by: fixture.vault.cosignerName,
            publicKey: fixture.vault.auditPublicKey
        )
        #expect(cosignatures.count == 1)
        try cosignatures[0].verify(cosigned, publicKey: fixture.vault.auditPublicKey)
        let report = try fixture.vault.witnessReport(context: Self.context)
        #expect(report.peers.map(\.peer) == ["stub"] && report.peers.first?.treeSize == 5)
        #expect(report.peers.first?.alarm == nil && report.peers.first?.cosignature == round.cosignature)
        let actions = try fixture.entries().map(\.action)
        #expect(actions.contains("witness.cosign") && actions.last == "witness.list")
    }

    @Test func aGrownTreeIsCosignedOnlyAfterItsConsistencyProofVerifies() throws {
        let fixture = try VaultFixture()
        let stub = StubPeer()
        stub.grow(5)
        _ = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        stub.grow(12, seed: 2)
        let round = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        #expect(round.outcome == .cosigned && round.previousSize == 5 && round.treeSize == 17)
        #expect(round.consistencyProved)
        let unchanged = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        #expect(unchanged.outcome == .cosigned && !unchanged.consistencyProved && unchanged.previousSize == 17)
        #expect(stub.delivered.count == 3)
    }

    @Test func aTruncatedTrailIsRefusedWithEvidenceAndAStandingAlarm() throws {
        let fixture = try VaultFixture()
        let stub = StubPeer()
        stub.grow(9)
        let first = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        stub.serve(size: 4)
        let round = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        #expect(round.outcome == .refused && round.cosignature == nil && !round.delivered)
        let alarm = try #require(round.alarm)
        #expect(alarm.kind == .truncated && alarm.reason.contains("4 entries") && alarm.reason.contains("9"))
        #expect(try Checkpoint.parse(alarm.previousCheckpoint).treeSize == 9)
        #expect(try Checkpoint.parse(alarm.newCheckpoint).treeSize == 4)
        #expect(stub.delivered.count == 1)
        #expect(fixture.vault.standingWitnessAlarms() == ["stub": .truncated])
        let report = try fixture.vault.witnessReport(context: Self.context)
        // The last good state is kept: the peer is still at 9, alarmed.
        #expect(report.peers.first?.treeSize == 9 && report.peers.first?.alarm == .truncated)
        #expect(report.peers.first?.cosignature == first.cosignature && report.alarms.count == 1)
        let entry = try #require(try fixture.entries().last { $0.action == "witness.alarm" })
        #expect(entry.outcome == .denied && entry.details["kind"] == "truncated")
    }

    @Test func anotherRootAtTheSameSizeIsAFork() throws {
        let fixture = try VaultFixture()
        let stub = StubPeer()
        stub.grow(6)
        _ = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        stub.fork()
        let round = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        #expect(round.outcome == .refused && round.alarm?.kind == .forked)
        #expect(fixture.vault.standingWitnessAlarms() == ["stub": .forked])
    }

    @Test func aGrownTreeWhoseProofFailsIsInconsistent() throws {
        let fixture = try VaultFixture()
        let stub = StubPeer()
        stub.grow(6)
        _ = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        stub.fork()
        stub.grow(3, seed: 3)
        let rewritten = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        #expect(rewritten.outcome == .refused && rewritten.alarm?.kind == .inconsistent)

        let other = try VaultFixture()
        let liar = StubPeer()
        liar.grow(6)
        _ = try other.vault.witness(liar.peer, transport: liar, context: Self.context)
        liar.grow(7, seed: 4)
        liar.serveBadProofs()
        let round = try other.vault.witness(liar.peer, transport: liar, context: Self.context)
        #expect(round.outcome == .refused && round.alarm?.kind == .inconsistent)
        #expect(round.alarm?.reason.contains("not an extension") == true)
    }

    @Test func anAlarmClearsOnlyWhenThePeerIsConsistentWithTheLastVerifiedStateAgain() throws {
        let fixture = try VaultFixture()
        let stub = StubPeer()
        stub.grow(9)
        _ = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        stub.serve(size: 4)
        _ = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        stub.serve(size: nil)
        stub.grow(2, seed: 5)
        let round = try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        #expect(round.outcome == .cosigned && round.previousSize == 9 && round.consistencyProved)
        #expect(fixture.vault.standingWitnessAlarms().isEmpty)
        #expect(try fixture.vault.witnessReport(context: Self.context).alarms.count == 1)  // evidence kept
    }

    @Test func aCheckpointNotSignedByThePinnedKeyFailsTheRoundAndIsAudited() throws {
        let fixture = try VaultFixture()
        let stub = StubPeer()
        stub.grow(3)
        let impostor = try WitnessPeer(
            name: "stub",
            baseURL: "http://stub.invalid",
            key: try NoteVerifierKey(name: stub.origin, publicKey: Ed25519.SigningKey().publicKey)
        )
        let error = try #require(throws: WitnessError.self) {
            try fixture.vault.witness(impostor, transport: stub, context: Self.context)
        }
        #expect(error.code == .badCheckpoint && error.message.contains("cordon audit pubkey"))
        #expect(stub.delivered.isEmpty)
        stub.setReachable(false)
        let unreachable = try #require(throws: WitnessError.self) {
            try fixture.vault.witness(stub.peer, transport: stub, context: Self.context)
        }
        #expect(unreachable.code == .peerUnreachable && unreachable.message.contains("connection refused"))
        let failed = try fixture.entries().filter { $0.action == "witness.failed" }
        #expect(failed.map { $0.details["error"] } == ["bad_checkpoint", "peer_unreachable"])
        #expect(try fixture.vault.witnessReport(context: Self.context).peers.isEmpty)
    }

    @Test func aPeerSeenUnderAnotherKeyIsRefusedUntilRenamed() throws {
        let fixture = try VaultFixture()
        let first = StubPeer()
        first.grow(3)
        _ = try fixture.vault.witness(first.peer, transport: first, context: Self.context)
        let second = StubPeer()
        second.grow(3)
        let error = try #require(throws: WitnessError.self) {
            try fixture.vault.witness(second.peer, transport: second, context: Self.context)
        }
        #expect(error.code == .peerChanged && error.message.contains("new peer name"))
    }

    @Test(arguments: [
        ("eu=http://127.0.0.1:8080", "KEY"), ("EU=http://x=KEY", "1-64"), ("eu=ftp://x=KEY", "http(s) URL"),
        ("eu=http://x?a=b=KEY", "http(s) URL"), ("eu=http://x=not-a-key", "verifier key"), ("eu", "NAME=URL=KEY"),
    ])
    func aMalformedPeerIsRefusedNamingThePart(text: String, expected: String) throws {
        let key = try NoteVerifierKey(name: "cordon.audit/x", publicKey: Ed25519.SigningKey().publicKey)
        let error = try #require(throws: WitnessError.self) {
            try WitnessPeer(parsing: text.replacingOccurrences(of: "KEY", with: key.description))
        }
        #expect(error.code == .invalidPeer && error.message.contains(expected))
    }

    @Test func aPeerParsesFromNameURLAndKey() throws {
        let key = try NoteVerifierKey(name: "cordon.audit/x", publicKey: Ed25519.SigningKey().publicKey)
        let peer = try WitnessPeer(parsing: "us-1=https://us.example:8443=\(key)")
        #expect(peer.name == "us-1" && peer.baseURL.absoluteString == "https://us.example:8443" && peer.key == key)
        let apart = try WitnessPeer(parsing: "us-1=https://us.example:8443", key: key.description)
        #expect(apart == peer)
    }
}

extension WitnessRoundTests {
    /// A peer that signs whatever size it likes.
    struct Boastful: WitnessTransport {
        let stub: StubPeer
        let size: UInt64

        func checkpoint(of peer: WitnessPeer) throws -> String {
            try Checkpoint.signed(
                origin: stub.origin,
                treeSize: size,
                rootHash: MerkleHasher.leafHash([1]),
                signingKey: stub.signingKey,
                keyName: stub.origin
            ).text
        }
        func consistencyProof(
            of peer: WitnessPeer,
            from oldSize: UInt64,
            to newSize: UInt64
        ) throws
            -> AuditConsistencyProof
        { AuditConsistencyProof(oldSize: oldSize, newSize: newSize, proof: [], oldCheckpoint: nil, newCheckpoint: nil) }
        func deliver(_ cosignedCheckpoint: String, to peer: WitnessPeer) throws {}
    }

    @Test func aSignedSizePastTheStorableRangeIsRefusedNotStored() throws {
        let fixture = try VaultFixture()
        let stub = StubPeer()
        let error = try #require(throws: WitnessError.self) {
            try fixture.vault.witness(stub.peer, transport: Boastful(stub: stub, size: .max), context: Self.context)
        }
        #expect(error.code == .badCheckpoint && error.message.contains("2^63"))
        // A huge but storable size is taken at first sight, then any real size is a cut.
        let boast = try fixture.vault.witness(
            stub.peer,
            transport: Boastful(stub: stub, size: UInt64(Int64.max)),
            context: Self.context
        )
        #expect(boast.outcome == .cosigned)
        stub.grow(3)
        #expect(try fixture.vault.witness(stub.peer, transport: stub, context: Self.context).alarm?.kind == .truncated)
    }
}
