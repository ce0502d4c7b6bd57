import CordonAudit
import CordonCore
import CordonCrypto
import CordonServer
import CordonTestSupport
import Foundation
import Testing

/// Unsealing with key shares (`keys split`, `POST /v1/unseal` with `{"share": ...}`).
@Suite("Unseal with key shares")
struct UnsealSharesTests {
    /// A data directory whose master key was split 5/3 and whose key file was removed,
    /// served sealed; the shares, as their holders would have them.
    final class Custody: Sendable {
        let directory: URL
        let api: CordonAPI
        let hex: [String]
        let words: [String]

        init() throws {
            directory = try TemporaryDirectory.create(prefix: "cordon-shares")
            let source = ShippedVault.keyFile(in: directory)
            try ShippedVault.initialize(at: directory, source: source)
            let vault = try ShippedVault.open(at: directory, source: source)
            let context = AccessContext(actor: "test", role: .admin)
            let shares = try vault.splitMasterKey(count: 5, threshold: 3, context: context)
            try vault.removeMasterKeyFile(source: source, context: context)
            try vault.close()
            hex = shares.map(\.hex)
            words = shares.map { $0.words.joined(separator: " ") }
            var configuration = ServerConfiguration(dataDirectory: directory)
            configuration.configDirectory = ServerFixture.packageRoot
            configuration.policies = ServerFixture.policies
            configuration.unsealAttemptsPerMinute = 100
            api = CordonAPI(configuration: configuration, session: nil)
        }

        deinit {
            try? api.slot.close()
            try? FileManager.default.removeItem(at: directory)
        }

        func give(_ share: String) -> Reply {
            let body = String(decoding: try! JSONEncoder().encode(["share": share]), as: UTF8.self)
            let response = api.respond(
                to: HTTPRequest(
                    method: "POST",
                    target: "/v1/unseal",
                    headers: ["Content-Type": "application/json"],
                    body: Array(body.utf8),
                    clientIsLoopback: true
                )
            )
            return Reply(status: response.status, headers: response.headers, body: response.body)
        }
    }

    @Test func theKeyFileIsGoneAndCustodyIsRecorded() throws {
        let custody = try Custody()
        #expect(!FileManager.default.fileExists(atPath: custody.directory.appendingPathComponent("master.key").path))
        let record = try #require(try KeyCustody.read(from: custody.directory))
        #expect(record.shares == 5 && record.threshold == 3 && record.keyFileRemoved)
        let text = try String(contentsOf: custody.directory.appendingPathComponent("custody.json"), encoding: .utf8)
        #expect(!custody.hex.contains { text.contains($0) })
    }

    @Test func sharesUnsealOneByOneWithProgress() throws {
        let custody = try Custody()
        let first = custody.give(custody.hex[4])
        #expect(first.status == 202, "\(first.text)")
        #expect(first.json?["sharesReceived"] as? Int == 1 && first.json?["threshold"] as? Int == 3)
        let second = custody.give(custody.words[1])
        #expect(second.status == 202)
        #expect((second.json?["message"] as? String)?.contains("2 of 3") == true)
        #expect(custody.api.slot.session == nil)
        let third = custody.give(custody.hex[2])
        #expect(third.status == 200, "\(third.text)")
        let vault = try #require(custody.api.slot.session?.vault)
        let entries = try vault.auditEntries(in: 0..<vault.auditTreeSize)
        let unseal = try #require(entries.last { $0.action == "server.unseal" })
        #expect(unseal.details["method"] == .string("shares"))
        #expect(entries.contains { $0.action == "keys.split" })
        // No share reaches the audit trail.
        for entry in entries {
            #expect(!custody.hex.contains { "\(entry.details)".contains($0) })
        }
        #expect(custody.give(custody.hex[0]).code == "already_unsealed")
    }

    @Test func tooFewSharesLeaveItSealed() throws {
        let custody = try Custody()
        #expect(custody.give(custody.hex[0]).status == 202)
        #expect(custody.give(custody.hex[3]).status == 202)
        #expect(custody.api.slot.session == nil)
        let repeated = custody.give(custody.hex[3])
        #expect(repeated.status == 409 && repeated.code == "duplicate_share")
        let ready = custody.api.respond(to: HTTPRequest(method: "GET", target: "/readyz"))
        #expect(ready.status == 503)
    }

    @Test func aWrongShareFailsTheKeyCheckAndResetsProgress() throws {
        let custody = try Custody()
        let foreign = try Shamir.split(MasterKey(), count: 5, threshold: 3)[2].hex
        #expect(custody.give(custody.hex[0]).status == 202)
        #expect(custody.give(custody.hex[1]).status == 202)
        let wrong = custody.give(foreign)
        #expect(wrong.status == 403 && wrong.code == "unseal_failed", "\(wrong.text)")
        #expect((wrong.json?["message"] as? String)?.contains("master-key check") == true)
        #expect(custody.api.slot.session == nil)
        // Progress restarted: one share is 1 of 3 again, and the right three unseal.
        let again = custody.give(custody.hex[0])
        #expect(again.json?["sharesReceived"] as? Int == 1)
        #expect(custody.give(custody.hex[1]).status == 202)
        #expect(custody.give(custody.hex[2]).status == 200)
    }

    @Test func aMalformedShareIsRefusedSayingWhy() throws {
        let custody = try Custody()
        let reply = custody.give("not a share")
        #expect(reply.status == 400 && reply.code == "invalid_share")
        #expect((reply.json?["message"] as? String)?.contains("words") == true)
    }

    @Test func sharesAreRefusedWhenTheKeyIsNotSplit() throws {
        let fixture = try ServerFixture(sealed: true)
        let share = try Shamir.split(MasterKey(), count: 3, threshold: 2)[0].hex
        let reply = fixture.call(
            "POST",
            "/v1/unseal",
            body: #"{"share":"\#(share)"}"#,
            contentType: "application/json"
        )
        #expect(reply.status == 409 && reply.code == "no_key_shares")
    }
}
