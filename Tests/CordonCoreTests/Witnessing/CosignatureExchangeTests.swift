import CordonAudit
import CordonCrypto
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("Cosignatures received for this node's trail")
struct CosignatureExchangeTests {
    static let context = AccessContext.system("test:witness")

    @Test func twoVaultsWitnessEachOtherAndKeepTheCosignaturesTheyReceive() throws {
        let a = try VaultFixture()
        let b = try VaultFixture()
        let toB = VaultPeer(vault: b.vault, witnesses: [a.vault.asPeer("a")])
        let toA = VaultPeer(vault: a.vault, witnesses: [b.vault.asPeer("b")])
        let ab = try a.vault.witness(b.vault.asPeer("b"), transport: toB, context: Self.context)
        let ba = try b.vault.witness(a.vault.asPeer("a"), transport: toA, context: Self.context)
        #expect(ab.delivered && ba.delivered, "\(ab.deliveryError ?? "") \(ba.deliveryError ?? "")")
        let onB = try b.vault.witnessReport(context: Self.context)
        #expect(onB.cosignatures.map(\.witness) == ["a"] && onB.cosignatures.first?.treeSize == ab.treeSize)
        #expect(onB.cosignatures.first?.cosigner == a.vault.cosignerName && onB.peers.map(\.peer) == ["a"])
        // B grows (its own entries); A's next round proves consistency and B keeps both sizes.
        let again = try a.vault.witness(b.vault.asPeer("b"), transport: toB, context: Self.context)
        #expect(again.consistencyProved && again.treeSize > ab.treeSize && again.delivered)
        #expect(try b.vault.witnessReport(context: Self.context).cosignatures.count == 2)
    }

    @Test func aCosignatureFromAWitnessNotConfiguredIsRefused() throws {
        let a = try VaultFixture()
        let b = try VaultFixture()
        let stranger = VaultPeer(vault: b.vault, witnesses: [])
        let round = try a.vault.witness(b.vault.asPeer("b"), transport: stranger, context: Self.context)
        #expect(round.outcome == .cosigned && !round.delivered)
        #expect(round.deliveryError?.contains("configured: none") == true)
        let entry = try #require(try b.entries().last { $0.action == "witness.receive" })
        #expect(entry.outcome == .denied && entry.details["error"] == "unknown_witness")
    }

    @Test func aForgedOrMisdirectedCosignatureIsRefusedWithAPreciseCode() throws {
        let a = try VaultFixture()
        let b = try VaultFixture()
        let checkpoint = try b.vault.signAuditCheckpoint()
        let aAsWitness = a.vault.asPeer("a")
        let witnesses = [aAsWitness]
        func refusal(_ note: String) throws -> WitnessError.Code {
            try #require(throws: WitnessError.self) {
                try b.vault.acceptCosignatures(note, witnesses: witnesses, context: Self.context)
            }.code
        }
        // Signed by a key that is not A's, under A's name and with A's key ID: forged.
        let forger = Ed25519.SigningKey()
        let forged = try Cosignature.sign(checkpoint, signingKey: forger, keyName: a.vault.cosignerName, time: 1)
        let relabelled =
            "\u{2014} \(a.vault.cosignerName) "
            + Data(
                Cosignature.keyID(name: a.vault.cosignerName, publicKey: a.vault.auditPublicKey)
                    + Self.blob(forged.line).dropFirst(4)
            ).base64EncodedString() + "\n"
        #expect(try refusal(checkpoint.text + relabelled) == .forgedCosignature)
        // A genuine cosignature by A, but of a checkpoint B never issued (A's own).
        let foreign = try a.vault.signAuditCheckpoint()
        let line = try Cosignature.sign(foreign, signingKey: a.vault.signingKey, keyName: a.vault.cosignerName, time: 1)
        #expect(try refusal(foreign.text + line.line) == .notOurCheckpoint)
        #expect(try refusal("not a note") == .malformedCosignature)
        #expect(try refusal(checkpoint.text) == .unknownWitness)
        #expect(try b.vault.witnessReport(context: Self.context).cosignatures.isEmpty)
    }

    static func blob(_ line: String) -> [UInt8] {
        Array(Data(base64Encoded: String(line.dropLast().split(separator: " ")[2]))!)
    }
}

extension CosignatureExchangeTests {
    @Test func theIndependentVerifierChecksACosignedCheckpointKeptElsewhere() throws {
        let a = try VaultFixture()
        let b = try VaultFixture()
        let round = try a.vault.witness(
            b.vault.asPeer("b"),
            transport: VaultPeer(vault: b.vault, witnesses: [a.vault.asPeer("a")]),
            context: Self.context
        )
        let line = try #require(round.cosignature)
        let checkpoint = try #require(
            try b.vault.witnessReport(context: Self.context).cosignatures.first.map { received in
                try b.vault.auditConsistencyProof(from: received.treeSize, to: received.treeSize).newCheckpoint
            } ?? nil
        )
        let keys = (b: b.directory.url.appending(path: "b.pub"), a: b.directory.url.appending(path: "a.pub"))
        try (b.vault.auditVerifierKey.description + "\n").write(to: keys.b, atomically: true, encoding: .utf8)
        try (a.vault.auditVerifierKey.description + "\n").write(to: keys.a, atomically: true, encoding: .utf8)
        let saved = b.directory.url.appending(path: "saved.checkpoint")
        try (checkpoint + line).write(to: saved, atomically: true, encoding: .utf8)
        try b.vault.close()
        func verify(_ extra: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments =
                [
                    "python3", VaultFixture.packageRoot.appending(path: "audit/verify.py").path,
                    b.directory.url.appending(path: "audit").path, "--pubkey", keys.b.path, "--checkpoint", saved.path,
                ] + extra
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        let (status, output) = try verify(["--cosigner", keys.a.path])
        #expect(status == 0 && output.contains("cosigned by \(a.vault.cosignerName) at "), "\(output)")
        // B's own key is not a cosigner of its own checkpoint.
        let (refused, why) = try verify(["--cosigner", keys.b.path])
        #expect(refused == 1 && why.contains("no cosignature by \(b.vault.cosignerName)"), "\(why)")
    }
}
