import CordonAudit
import CordonCore
import CordonServer
import Foundation
import Testing

/// Starting sealed and unsealing (loopback only, rate-limited, one attempt at a time).
@Suite("Seal and unseal")
struct SealTests {
    @Test("sealed: healthz 200, readyz 503 sealed, token routes 503 sealed")
    func sealedProbes() throws {
        let fixture = try ServerFixture(sealed: true)
        #expect(fixture.call("GET", "/healthz").status == 200)
        let ready = fixture.call("GET", "/readyz")
        #expect(ready.status == 503 && ready.code == "sealed")
        #expect(fixture.call("GET", "/v1/regions", token: "anything").code == "sealed")
    }

    @Test("unseal refuses non-loopback peers and wrong passphrases, then opens with the right one once")
    func unseal() throws {
        let fixture = try ServerFixture(sealed: true)
        let remote = fixture.call(
            "POST",
            "/v1/unseal",
            body: #"{"passphrase":"correct horse"}"#,
            contentType: "application/json",
            loopback: false
        )
        #expect(remote.status == 403 && remote.code == "loopback_only")
        let wrong = fixture.call(
            "POST",
            "/v1/unseal",
            body: #"{"passphrase":"wrong"}"#,
            contentType: "application/json"
        )
        #expect(wrong.status == 403 && wrong.code == "unseal_failed")
        #expect(!wrong.text.contains("wrong\""))
        let right = fixture.call(
            "POST",
            "/v1/unseal",
            body: #"{"passphrase":"correct horse"}"#,
            contentType: "application/json"
        )
        #expect(right.status == 200, "\(right.text)")
        #expect(fixture.call("GET", "/readyz").status == 200)
        let again = fixture.call(
            "POST",
            "/v1/unseal",
            body: #"{"passphrase":"correct horse"}"#,
            contentType: "application/json"
        )
        #expect(again.status == 409 && again.code == "already_unsealed")
        let entries = try fixture.vault.auditEntries(in: 0..<fixture.vault.auditTreeSize)
        #expect(entries.contains { $0.event.action == "server.unseal" })
        #expect(
            !(try String(
                contentsOf: fixture.directory.appendingPathComponent("audit/segments").appendingPathComponent(
                    FileManager.default.contentsOfDirectory(
                        atPath: fixture.directory.appendingPathComponent("audit/segments").path
                    )[0]
                ),
                encoding: .utf8
            )).contains("correct horse")
        )
    }

    @Test("unseal attempts are rate-limited")
    func unsealRateLimit() throws {
        let fixture = try ServerFixture(sealed: true) { $0.unsealAttemptsPerMinute = 2 }
        let statuses = (1...3).map { _ in
            fixture.call("POST", "/v1/unseal", body: #"{"passphrase":"nope"}"#, contentType: "application/json").status
        }
        #expect(statuses == [403, 403, 429])
    }
}
