import CordonStore
import CordonTestSupport
import Foundation
import Testing

@Suite("cordon CLI: ingest, subject, audit, store, retention", .serialized)
struct WritePathCommandTests {
    static let subjects = """
        {"externalId":"c-1001","country":"DE","birthYear":1990,"pii":{"email":"anna@example.com","name":"Anna Berg","phone":"+4930123"},"consents":[{"purpose":"analytics","state":"granted","source":"cmp:tcf-2.2","recordedAt":"2025-03-01T10:00:00Z"}],"signals":{"gpc":false}}
        {"externalId":"c-1002","country":"US","birthYear":1985,"pii":{"email":"bob@example.com"},"signals":{"gpc":true}}
        {"externalId":"c-1003","country":"XX"}
        not json

        """
    static let events = """
        {"externalId":"c-1001","ts":"2025-03-01T10:05:00Z","event":"purchase","channel":"search","campaign":"cmp-17","device":"mobile","amountCents":4599,"purpose":"analytics"}
        {"externalId":"c-1002","ts":"2025-03-01T10:06:00Z","event":"page_view","purpose":"analytics"}
        {"externalId":"c-9999","ts":"2025-03-01T10:06:00Z","event":"page_view","purpose":"analytics"}

        """

    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    @Test func ingestFromStdinPrintsASummaryAndWritesRejects() throws {
        let (scratch, data) = try CordonProcess.initialized()
        let rejects = scratch.url.appendingPathComponent("rejects.ndjson").path
        let result = try CordonProcess.run(
            ["ingest", "subjects", "-", "--data", data, "--rejects", rejects],
            input: Self.subjects
        )
        #expect(result.status == 0)
        let summary = try json(result.standardOutput)
        #expect(summary["accepted"] as? Int == 2)
        #expect(summary["rejectedByReason"] as? [String: Int] == ["unknown_country": 1, "malformed_json": 1])
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { !$0.contains("anna") })
        #expect(result.standardError.contains("2 accepted, 2 rejected"))
    }

    @Test func aMissingInputFileIsAOneLineError() throws {
        let (scratch, data) = try CordonProcess.initialized()
        defer { withExtendedLifetime(scratch) {} }
        let result = try CordonProcess.run(["ingest", "events", "/nonexistent.ndjson", "--data", data])
        #expect(result.status == 1)
        #expect(result.standardError == "error: /nonexistent.ndjson does not exist\n")
    }

    @Test func theWholeSubjectRequestCycleWorksEndToEnd() throws {
        let (scratch, data) = try CordonProcess.initialized()
        #expect(
            try CordonProcess.run(["ingest", "subjects", "-", "--data", data, "-q"], input: Self.subjects).status == 0
        )
        let events = try CordonProcess.run(["ingest", "events", "-", "--data", data, "-q"], input: Self.events)
        #expect(try json(events.standardOutput)["accepted"] as? Int == 2)

        let lookup = try CordonProcess.run([
            "subject", "lookup", "--email", " Anna@Example.com", "--data", data, "--json",
        ])
        let location = try json(lookup.standardOutput)
        #expect(location["region"] as? String == "eu")
        let id = try #require(location["subjectId"] as? String)

        let exportFile = scratch.url.appendingPathComponent("export.json").path
        let export = try CordonProcess.run(["subject", "export", id, "--out", exportFile, "--data", data])
        #expect(export.status == 0)
        let package = try json(try String(contentsOfFile: exportFile, encoding: .utf8))
        for key in ["subjectId", "region", "pii", "consents", "events", "policy", "accessHistory"] {
            #expect(package[key] != nil, "export lacks \(key)")
        }
        #expect((package["pii"] as? [String: String])?["name"] == "Anna Berg")
        let mode = try FileManager.default.attributesOfItem(atPath: exportFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        #expect(try CordonProcess.run(["subject", "rectify", id, "--set", "name=Anna B.", "--data", data]).status == 0)
        #expect(
            try CordonProcess.run([
                "subject", "consent", id, "--purpose", "analytics", "--state", "withdrawn", "--data", data,
            ]).status == 0
        )
        let refused = try CordonProcess.run(["ingest", "events", "-", "--data", data, "-q"], input: Self.events)
        #expect(
            try json(refused.standardOutput)["rejectedByReason"] as? [String: Int] == [
                "no_lawful_basis": 1, "unknown_subject": 1,
            ]
        )

        let erase = try CordonProcess.run(["subject", "erase", id, "--data", data])
        #expect(erase.status == 0)
        let receipt = try json(erase.standardOutput)
        #expect((receipt["receipt"] as? [String: Any])?["dataEncryptionKey"] as? String == "destroyed")
        #expect(try CordonProcess.run(["subject", "lookup", "--external-id", "c-1001", "--data", data]).status == 1)
        let gone = try CordonProcess.run(["subject", "export", id, "--data", data])
        #expect(gone.status == 1)
        #expect(gone.standardError.contains("no subject \(id)"))

        let dsr = try CordonProcess.run(["dsr", "list", "--status", "completed", "--data", data, "--json"])
        let requests = try JSONSerialization.jsonObject(with: Data(dsr.standardOutput.utf8)) as? [[String: Any]] ?? []
        #expect(
            Set(requests.compactMap { ($0["request"] as? [String: Any])?["kind"] as? String ?? $0["kind"] as? String })
                == ["access", "rectification", "erasure"]
        )

        let pubkey = scratch.url.appendingPathComponent("pubkey.txt").path
        let key = try CordonProcess.run(["audit", "pubkey", "--data", data])
        try key.standardOutput.write(toFile: pubkey, atomically: true, encoding: .utf8)
        let verify = try CordonProcess.run(["audit", "verify", "--pubkey", pubkey, "--data", data])
        #expect(verify.status == 0)
        #expect(verify.standardOutput.contains("ok: every entry and checkpoint verifies"))
        let search = try CordonProcess.run(["audit", "search", "--subject", id, "--data", data, "--json"])
        let actions =
            (try JSONSerialization.jsonObject(with: Data(search.standardOutput.utf8)) as? [[String: Any]] ?? [])
            .compactMap { $0["action"] as? String }
        for action in ["ingest.subjects", "subject.export", "subject.rectify", "subject.consent", "subject.erase"] {
            #expect(actions.contains(action), "audit search lacks \(action)")
        }
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", CordonProcess.packageRoot.appendingPathComponent("audit/verify.py").path, data + "/audit",
            "--pubkey", pubkey,
        ]
        python.standardOutput = FileHandle.nullDevice
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "audit/verify.py must accept what Cordon wrote")

        let stores = try CordonProcess.run(["store", "verify", "--data", data])
        #expect(stores.status == 0)
        #expect(stores.standardOutput.contains("eu: "))
        let retention = try CordonProcess.run([
            "retention", "run", "--data", data, "--now", "2030-01-01T00:00:00Z", "--json",
        ])
        #expect(retention.status == 0)
    }

    /// `init --page-cipher` chooses the AEAD of new stores; `keys rotate --pages --cipher`
    /// moves a store to another one; unknown names are usage errors that change nothing.
    @Test func thePageCipherIsChosenAtInitAndMovedByARotation() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let data = scratch.url.appendingPathComponent("data").path
        let unknown = try CordonProcess.run(["init", "--data", data, "--page-cipher", "rot13"])
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("unknown page cipher 'rot13'; use xchacha20-poly1305 or aes-256-gcm"))
        #expect(!FileManager.default.fileExists(atPath: data))
        guard PageEncryption.Algorithm.aes256GCM.isAvailable else { return }

        let initialized = try CordonProcess.run(["init", "--data", data, "--page-cipher", "aes-256-gcm"])
        #expect(initialized.status == 0, "\(initialized.standardError)")
        #expect(initialized.standardOutput.contains("page cipher for new stores: aes-256-gcm"))
        #expect(
            try CordonProcess.run(["ingest", "subjects", "-", "--data", data, "-q"], input: Self.subjects).status == 0
        )
        let store = data + "/regions/eu.db"
        #expect(StoreVerifier.algorithm(ofStoreAt: store) == .aes256GCM)

        let misplaced = try CordonProcess.run([
            "keys", "rotate", "--region", "eu", "--cipher", "aes-256-gcm", "--data", data,
        ])
        #expect(misplaced.status == 64)
        #expect(misplaced.standardError.contains("--cipher goes with --region ID --pages"))
        let rotated = try CordonProcess.run(
            ["keys", "rotate", "--region", "eu", "--pages", "--cipher", "xchacha20-poly1305", "--data", data])
        #expect(rotated.status == 0, "\(rotated.standardError)")
        #expect(rotated.standardOutput.contains("under page key v2 (xchacha20-poly1305)"))
        #expect(StoreVerifier.algorithm(ofStoreAt: store) == .xChaCha20Poly1305)
        let lookup = try CordonProcess.run(["subject", "lookup", "--external-id", "c-1001", "--data", data, "--json"])
        #expect(lookup.status == 0 && lookup.standardOutput.contains("subjectId"))
        let stores = try CordonProcess.run(["store", "verify", "--region", "eu", "--data", data])
        #expect(stores.status == 0, "\(stores.standardError)")
    }

    @Test func erasureReceiptsVerifyAndForgeriesFail() throws {
        let (scratch, data) = try CordonProcess.initialized()
        #expect(
            try CordonProcess.run(["ingest", "subjects", "-", "--data", data, "-q"], input: Self.subjects).status == 0
        )
        let lookup = try CordonProcess.run(["subject", "lookup", "--external-id", "c-1001", "--data", data, "--json"])
        let id = try #require(try json(lookup.standardOutput)["subjectId"] as? String)
        let receipt = scratch.url.appendingPathComponent("receipt.json").path
        #expect(try CordonProcess.run(["subject", "erase", id, "--receipt", receipt, "--data", data]).status == 0)
        let pubkey = scratch.url.appendingPathComponent("pubkey.txt").path
        try CordonProcess.run(["audit", "pubkey", "--data", data]).standardOutput.write(
            toFile: pubkey,
            atomically: true,
            encoding: .utf8
        )
        let verified = try CordonProcess.run(["receipt", "verify", receipt, "--pubkey", pubkey])
        #expect(verified.status == 0)
        #expect(verified.standardOutput.hasPrefix("ok: erasure of subject \(id) in region eu"))
        let forged = try String(contentsOfFile: receipt, encoding: .utf8).replacingOccurrences(
            of: "\"region\" : \"eu\"",
            with: "\"region\" : \"us\""
        )
        try forged.write(toFile: receipt, atomically: true, encoding: .utf8)
        let refused = try CordonProcess.run(["receipt", "verify", receipt, "--pubkey", pubkey])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("does not verify"))
    }

    @Test func tamperingWithTheAuditTrailIsCaughtWithTheSequenceNumber() throws {
        let (scratch, data) = try CordonProcess.initialized()
        defer { withExtendedLifetime(scratch) {} }
        let ingest = try CordonProcess.run(["ingest", "subjects", "-", "--data", data, "-q"], input: Self.subjects)
        #expect(ingest.status == 0, "\(ingest.standardError)")
        let segment = URL(fileURLWithPath: data + "/audit/segments/0000000000.ndjson")
        var text = try String(contentsOf: segment, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"accepted\":1", with: "\"accepted\":9")
        try text.write(to: segment, atomically: true, encoding: .utf8)
        let result = try CordonProcess.run(["keys", "status", "--data", data])
        #expect(result.status == 0, "keys do not need the audit trail")
        let opened = try CordonProcess.run(["audit", "tail", "--data", data])
        #expect(opened.status == 1)
        #expect(opened.standardError.contains("audit trail"))
    }

    @Test func killedMidIngestEveryAuditedBatchSurvives() throws {
        let (scratch, data) = try CordonProcess.initialized()
        var subjects = ""
        for index in 0..<200 {
            subjects +=
                #"{"externalId":"k-\#(index)","country":"DE","consents":[{"purpose":"analytics","state":"granted","source":"t","recordedAt":"2025-01-01T00:00:00Z"}]}"#
                + "\n"
        }
        #expect(try CordonProcess.run(["ingest", "subjects", "-", "--data", data, "-q"], input: subjects).status == 0)
        let eventsFile = scratch.url.appendingPathComponent("events.ndjson")
        var events = ""
        for index in 0..<60_000 {
            events +=
                #"{"externalId":"k-\#(index % 200)","ts":"2025-06-01T00:00:00Z","event":"page_view","purpose":"analytics"}"#
                + "\n"
        }
        try events.write(to: eventsFile, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = CordonProcess.binary
        process.arguments = ["ingest", "events", eventsFile.path, "--data", data, "--batch-size", "200", "-q"]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CORDON_") }
        environment["CORDON_CONFIG"] = CordonProcess.packageRoot.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until some batches are audited, then kill -9.
        let segment = data + "/audit/segments/0000000000.ndjson"
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: segment, encoding: .utf8)) ?? ""
            if text.components(separatedBy: "ingest.events").count > 5 { break }
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        // Reopen: the audit trail verifies (a torn tail is truncated), the store is not
        // refused, and it holds every event the trail says was written.
        let tail = try CordonProcess.run([
            "audit", "search", "--action", "ingest.events", "--data", data, "--json", "--limit", "100000",
        ])
        #expect(tail.status == 0, "\(tail.standardError)")
        let parsed = try? JSONSerialization.jsonObject(with: Data(tail.standardOutput.utf8)) as? [[String: Any]]
        let entries = try #require(
            parsed,
            "audit search printed no JSON; stdout: \(tail.standardOutput.prefix(300)) stderr: \(tail.standardError)"
        )
        let audited = entries.reduce(0) { $0 + ((($1["details"] as? [String: Any])?["accepted"] as? Int) ?? 0) }
        #expect(audited > 0)
        let export = try CordonProcess.run(["subject", "lookup", "--external-id", "k-0", "--data", data, "--json"])
        #expect(export.status == 0, "\(export.standardError)")
        let stores = try CordonProcess.run(["store", "verify", "--region", "eu", "--data", data])
        #expect(stores.status == 0, "\(stores.standardError)")
        let retention = try CordonProcess.run([
            "retention", "run", "--data", data, "--now", "2099-01-01T00:00:00Z", "--json",
        ])
        try #require(retention.status == 0, "retention failed: \(retention.standardError.suffix(500))")
        let report = try json(retention.standardOutput)
        let eu = (report["regions"] as? [[String: Any]])?.first { $0["region"] as? String == "eu" }
        let deleted = (eu?["deleted"] as? [String: Int])?["user.behavior.browsing_history"] ?? -1
        // Every audited batch is in the store; at most the one batch whose entry was written
        // but whose COMMIT the kill interrupted is missing.
        #expect(deleted == audited || deleted == audited - 200, "store has \(deleted) events, audit says \(audited)")
    }
}
