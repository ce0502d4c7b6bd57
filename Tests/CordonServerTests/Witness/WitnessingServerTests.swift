import CordonAudit
import CordonCore
import CordonCrypto
import CordonServer
import CordonTestSupport
import Foundation
import Testing

/// Nodes on loopback ports witnessing each other's trails over HTTP (decision 0025).
@Suite("Witnessing between servers", .timeLimit(.minutes(2)))
struct WitnessingServerTests {
    /// `fixture` as its peers configure it: URL of `host`, its verifier key, a DPO token of its registry.
    static func peer(_ name: String, _ fixture: ServerFixture, _ host: MicroHTTPDHost) throws -> WitnessPeer {
        try WitnessPeer(
            name: name,
            baseURL: "http://127.0.0.1:\(host.port)",
            key: fixture.vault.auditVerifierKey,
            token: fixture.tokens["dpo"]
        )
    }

    static func scheduler(_ fixture: ServerFixture, clock: any SchedulerClock = ManualClock()) -> WitnessScheduler {
        WitnessScheduler(
            slot: fixture.api.slot,
            roster: fixture.api.witnesses,
            metrics: fixture.api.metrics,
            intervalSeconds: 300,
            clock: clock,
            logger: RecordingLogHandler().logger()
        )
    }

    @Test func twoServersWitnessEachOtherOnScheduleAndListTheCosignaturesTheyReceived() async throws {
        let (a, hostA) = try EndToEndTests.serve()
        defer { hostA.stop(grace: 1) }
        let (b, hostB) = try EndToEndTests.serve()
        defer { hostB.stop(grace: 1) }
        a.api.witnesses.replace(with: [try Self.peer("b", b, hostB)])
        b.api.witnesses.replace(with: [try Self.peer("a", a, hostA)])
        let clock = ManualClock()
        let scheduled = Self.scheduler(a, clock: clock)
        scheduled.start()
        await clock.waitForSleep(number: 1)
        #expect(clock.deadlines == [.seconds(10)])
        clock.advance(by: .seconds(10))
        await clock.waitForSleep(number: 2)
        scheduled.stop()
        #expect(scheduled.completedTicks == 1)
        let rounds = Self.scheduler(b).runRounds()
        let round = try #require(try rounds.first?.result.get())
        #expect(round.outcome == .cosigned && round.delivered, "\(round.deliveryError ?? "")")

        let client = HTTPClient(port: hostB.port)
        let onB = try await client.send("GET", "/v1/audit/cosignatures", token: b.tokens["dpo"])
        #expect(onB.status == 200, "\(onB.text)")
        let received = try #require(onB.json?["cosignatures"] as? [[String: Any]])
        #expect(received.map { $0["witness"] as? String } == ["a"])
        #expect(received.first?["cosigner"] as? String == a.vault.cosignerName)
        let peers = try #require(onB.json?["peers"] as? [[String: Any]])
        #expect(peers.map { $0["peer"] as? String } == ["a"] && peers.first?["alarm"] == nil)
        // The line appended to B's checkpoint body of that size verifies under A's key, as any client checks it.
        let first = try #require(received.first)
        let note = try Checkpoint.parse(
            "\(b.vault.auditOrigin)\n\(first["treeSize"] as? Int ?? 0)\n\(first["rootHash"] as? String ?? "")\n\n"
                + (first["line"] as? String ?? "")
        )
        let cosignature = try #require(
            note.cosignatures(by: a.vault.cosignerName, publicKey: a.vault.auditPublicKey).first
        )
        try cosignature.verify(note, publicKey: a.vault.auditPublicKey)

        let onA = try await HTTPClient(port: hostA.port).send("GET", "/v1/audit/cosignatures", token: a.tokens["dpo"])
        #expect((onA.json?["cosignatures"] as? [[String: Any]])?.map { $0["witness"] as? String } == ["b"])
        let metrics = a.call("GET", "/metrics", token: "admin").text
        #expect(metrics.contains("cordon_witness_rounds_total{peer=\"b\",outcome=\"cosigned\"} 1"))
        #expect(metrics.contains("cordon_witness_alarms 0"))
        #expect(a.call("GET", "/readyz").json?["witnessAlarms"] as? Int == 0)
    }
}

extension WitnessingServerTests {
    @Test func aPeerServedFromAnOlderCopyOfItsDataDirectoryIsCaughtAndNotCosigned() async throws {
        let (a, hostA) = try EndToEndTests.serve()
        defer { hostA.stop(grace: 1) }
        // B's whole data directory, copied while closed: one consistent older state, which
        // B's own anchors cannot tell from the real one. Only a witness can.
        let b = try ServerFixture()
        try b.api.slot.close()
        let older = try TemporaryDirectory.create(prefix: "cordon-older")
        try FileManager.default.removeItem(at: older)
        try FileManager.default.copyItem(at: b.directory, to: older)
        defer { try? FileManager.default.removeItem(at: older) }
        let (current, hostCurrent) = try Self.serve(b.directory)
        let peer = try WitnessPeer(
            name: "b",
            baseURL: "http://127.0.0.1:\(hostCurrent.port)",
            key: current.slot.session!.vault.auditVerifierKey,
            token: b.tokens["dpo"]
        )
        a.api.witnesses.replace(with: [peer])
        for _ in 0..<3 {
            let round = try #require(try Self.scheduler(a).runRounds().first?.result.get())
            #expect(round.outcome == .cosigned)
        }
        hostCurrent.stop(grace: 1)
        try current.slot.close()

        let (rolledBack, hostOlder) = try Self.serve(older)
        defer {
            hostOlder.stop(grace: 1)
            try? rolledBack.slot.close()
        }
        a.api.witnesses.replace(with: [
            try WitnessPeer(
                name: "b",
                baseURL: "http://127.0.0.1:\(hostOlder.port)",
                key: peer.key,
                token: b.tokens["dpo"]
            )
        ])
        let round = try #require(try Self.scheduler(a).runRounds().first?.result.get())
        #expect(round.outcome == .refused && round.alarm?.kind == .truncated && round.cosignature == nil)
        let ready = a.call("GET", "/readyz")
        #expect(ready.status == 200 && ready.json?["witnessAlarms"] as? Int == 1)
        #expect((ready.json?["witnessAlarmPeers"] as? [String: String]) == ["b": "truncated"])
        let metrics = a.call("GET", "/metrics", token: "admin").text
        #expect(metrics.contains("cordon_witness_alarms 1"))
        #expect(metrics.contains("cordon_witness_alarm{peer=\"b\",kind=\"truncated\"} 1"))
        #expect(metrics.contains("cordon_witness_rounds_total{peer=\"b\",outcome=\"refused\"} 1"))
        // The rolled-back node received no cosignature of its older trail.
        let listed = rolledBack.respond(
            to: HTTPRequest(
                method: "GET",
                target: "/v1/audit/cosignatures",
                headers: ["Authorization": "Bearer \(b.tokens["dpo"]!)"]
            )
        )
        #expect(listed.status == 200 && String(decoding: listed.body, as: UTF8.self).contains(#""cosignatures":[]"#))
        let report = a.call("GET", "/v1/audit/cosignatures", token: "dpo")
        let alarm = try #require((report.json?["alarms"] as? [[String: Any]])?.first)
        #expect(alarm["kind"] as? String == "truncated" && (alarm["previousCheckpoint"] as? String)?.isEmpty == false)
    }

    @Test func aForgedOrMisdirectedCosignaturePostIsRefusedWithAPreciseCode() throws {
        let a = try ServerFixture()
        let b = try ServerFixture()
        b.api.witnesses.replace(with: [
            try WitnessPeer(name: "a", baseURL: "http://127.0.0.1:1", key: a.vault.auditVerifierKey)
        ])
        let checkpoint = try b.vault.signAuditCheckpoint()
        let forger = try Cosignature.sign(
            checkpoint,
            signingKey: Ed25519.SigningKey(),
            keyName: a.vault.cosignerName,
            time: 1_767_225_600
        )
        let blob = Array(Data(base64Encoded: String(forger.line.dropLast().split(separator: " ")[2]))!)
        let forged =
            "\u{2014} \(a.vault.cosignerName) "
            + Data(Cosignature.keyID(name: a.vault.cosignerName, publicKey: a.vault.auditPublicKey) + blob.dropFirst(4))
            .base64EncodedString() + "\n"
        let cases: [(String, Int, String, String)] = [
            (checkpoint.text + forged, 403, "forged_cosignature", "does not verify"),
            (checkpoint.text + forger.line, 403, "unknown_witness", "configured: \(a.vault.cosignerName)"),
            (
                try a.vault.signAuditCheckpoint().text + forger.line, 403, "not_our_checkpoint",
                "not signed by this node"
            ),
            ("hello", 400, "malformed_cosignature", "checkpoint note"),
        ]
        for (body, status, code, message) in cases {
            let reply = b.call("POST", "/v1/audit/cosignatures", token: "dpo", body: body, contentType: "text/plain")
            #expect(reply.status == status && reply.code == code, "\(code): \(reply.status) \(reply.text)")
            #expect((reply.json?["message"] as? String)?.contains(message) == true, "\(reply.text)")
        }
        #expect(b.call("POST", "/v1/audit/cosignatures", body: checkpoint.text + forged).status == 401)
        let listed = b.call("GET", "/v1/audit/cosignatures", token: "dpo")
        #expect((listed.json?["cosignatures"] as? [Any])?.isEmpty == true)
    }

    /// A CordonAPI over an existing data directory, served on a loopback port.
    static func serve(_ directory: URL) throws -> (CordonAPI, MicroHTTPDHost) {
        var configuration = ServerConfiguration(dataDirectory: directory)
        configuration.bind = .loopback(port: 0)
        configuration.configDirectory = ServerFixture.packageRoot
        configuration.policies = ServerFixture.policies
        let vault = try ShippedVault.open(at: directory, source: ShippedVault.keyFile(in: directory))
        let api = CordonAPI(
            configuration: configuration,
            session: try VaultSession(vault: vault, configDirectory: ServerFixture.packageRoot)
        )
        return (api, try MicroHTTPDHost(api: api))
    }
}

extension WitnessingServerTests {
    @Test func anUnreachablePeerFailsItsRoundWithoutAnAlarmAndIsCountedAsFailed() throws {
        let a = try ServerFixture()
        let lines = RecordingLogHandler()
        a.api.witnesses.replace(with: [
            try WitnessPeer(name: "gone", baseURL: "http://127.0.0.1:9", key: a.vault.auditVerifierKey, token: "t")
        ])
        let scheduler = WitnessScheduler(
            slot: a.api.slot,
            roster: a.api.witnesses,
            metrics: a.api.metrics,
            intervalSeconds: 60,
            clock: ManualClock(),
            logger: lines.logger()
        )
        let rounds = scheduler.runRounds()
        #expect(rounds.count == 1 && scheduler.completedTicks == 1)
        #expect(throws: WitnessError.self) { try rounds[0].result.get() }
        #expect(lines.logged.map(\.message).first?.hasPrefix("witness: gone: peer gone (http://127.0.0.1:9") == true)
        #expect(a.vault.standingWitnessAlarms().isEmpty)
        let metrics = a.call("GET", "/metrics", token: "admin").text
        #expect(metrics.contains("cordon_witness_rounds_total{peer=\"gone\",outcome=\"failed\"} 1"))
        #expect(a.call("GET", "/readyz").json?["witnessAlarms"] as? Int == 0)
    }
}
