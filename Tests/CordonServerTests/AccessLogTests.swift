import CordonCore
import CordonServer
import CordonTestSupport
import Foundation
import Testing

/// One access-log line per request: request id, route template, token name, status and
/// latency — never an identifier from the path, the query, or the token itself.
@Suite("Access log")
struct AccessLogTests {
    static let canarySubject = "subj-CANARY-5f1e0c"
    static let canaryEmail = "canary.person@example.org"

    private func fixture() throws -> (ServerFixture, RecordingLogHandler) {
        let log = RecordingLogHandler()
        let fixture = try ServerFixture { $0.logger = log.logger(label: "cordon.server", level: .info) }
        return (fixture, log)
    }

    private func accessLines(_ log: RecordingLogHandler) -> [LogRecord] {
        log.logged.filter { $0.label == "cordon.access" }
    }

    @Test func eachRequestLogsOneLineWithItsRequestIDRouteTokenNameStatusAndLatency() throws {
        let (fixture, log) = try fixture()
        let reply = fixture.call("GET", "/v1/subjects/\(Self.canarySubject)", token: "dpo")
        let lines = accessLines(log)
        try #require(lines.count == 1, "\(lines)")
        let metadata = lines[0].metadata
        #expect(lines[0].level == .info)
        #expect(metadata["request_id"] == .string(try #require(reply.header("X-Request-Id"))))
        #expect(metadata["route"] == "/v1/subjects/{id}")
        #expect(metadata["method"] == "GET")
        #expect(metadata["status"] == .integer(reply.status))
        #expect(metadata["token"] == "dpo")
        #expect(metadata["role"] == "dpo")
        guard case .double(let milliseconds) = metadata["latency_ms"] else {
            Issue.record("latency_ms is not a number: \(String(describing: metadata["latency_ms"]))")
            return
        }
        #expect(milliseconds >= 0)
    }

    @Test func noLineHoldsAPathIdentifierAQueryValueOrATokenSecret() throws {
        let (fixture, log) = try fixture()
        let canaryToken = "cordon_CANARYTOKEN0123456789abcdef"
        fixture.call("GET", "/v1/subjects/\(Self.canarySubject)", token: "dpo")
        fixture.call("DELETE", "/v1/subjects/\(Self.canarySubject)", token: "analyst")
        fixture.call("GET", "/v1/subjects/lookup?email=\(Self.canaryEmail)", token: "dpo")
        fixture.call("GET", "/v1/subjects/\(Self.canarySubject)", token: canaryToken)
        fixture.call("GET", "/no/such/\(Self.canarySubject)")
        let lines = accessLines(log)
        #expect(lines.count == 5)
        #expect(
            lines.map { $0.metadata["route"] } == [
                "/v1/subjects/{id}", "/v1/subjects/{id}", "/v1/subjects/lookup", "/v1/subjects/{id}", "unmatched",
            ]
        )
        #expect(lines.map { $0.metadata["status"] }.last == 404)
        #expect(lines[3].metadata["status"] == 401)
        #expect(lines[3].metadata["token"] == nil)
        let secrets = [Self.canarySubject, Self.canaryEmail, canaryToken, "CANARY"] + fixture.tokens.values
        for line in lines.map(JSONLogHandler.format) + lines.map(TextLogHandler.format) {
            for secret in secrets {
                #expect(!line.contains(secret), "\(line)")
            }
        }
    }

    @Test func linesBelowTheLoggersLevelAreNotWritten() throws {
        let log = RecordingLogHandler()
        let fixture = try ServerFixture { $0.logger = log.logger(label: "cordon.server", level: .warning) }
        fixture.call("GET", "/v1/regions", token: "dpo")
        #expect(accessLines(log).isEmpty)
    }
}
