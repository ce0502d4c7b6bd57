import Foundation
import Testing

/// The CLI under careless and hostile input: no traps, one clear message, the right exit
/// status.
@Suite("cordon CLI: hostile input")
struct HostileInputCommandTests {
    func initialized() throws -> (ScratchDirectory, String) {
        let scratch = try ScratchDirectory()
        let data = scratch.url.appendingPathComponent("data").path
        let result = try CordonProcess.run(["init", "--data", data])
        #expect(result.status == 0, "\(result.standardError)")
        return (scratch, data)
    }

    func write(_ text: String, to name: String, in scratch: ScratchDirectory) throws -> String {
        let path = scratch.url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("ingest of 200,000 blank lines exits 0 with nothing refused (it crashed)")
    func blankLines() throws {
        let (scratch, data) = try initialized()
        let file = try write(String(repeating: "\n", count: 200_000), to: "blank.ndjson", in: scratch)
        for kind in ["subjects", "events"] {
            let result = try CordonProcess.run(["ingest", kind, file, "--data", data, "--quiet"])
            #expect(result.status == 0, "\(result.standardError.prefix(300))")
            let summary = try json(result.standardOutput)
            #expect(summary["blankLines"] as? Int == 200_000 && summary["lines"] as? Int == 0)
        }
    }

    @Test("--received-at honours an offset and fractions; a time without an offset is a usage error")
    func times() throws {
        let (scratch, data) = try initialized()
        defer { withExtendedLifetime(scratch) {} }
        let opened = try CordonProcess.run([
            "dsr", "open", "--right", "access", "--region", "eu", "--ref", "t-1", "--received-at",
            "2025-01-31T09:00:00.250+01:00", "--data", data, "--json",
        ])
        #expect(opened.status == 0, "\(opened.standardError)")
        #expect(try json(opened.standardOutput)["receivedAt"] as? String == "2025-01-31T08:00:00.000Z")
        let local = try CordonProcess.run(["dsr", "list", "--now", "2025-01-31T08:00:00", "--data", data])
        #expect(local.status == 64 && local.standardError.contains("such as 2025-01-31T08:00:00Z"))
    }

    @Test("a CSV file, or events fed as subjects, exits 1 with one sentence naming what it looks like")
    func wrongInputs() throws {
        let (scratch, data) = try initialized()
        let csv = try write("externalId,country\nc-1,DE\nc-2,FR\n", to: "people.csv", in: scratch)
        let result = try CordonProcess.run(["ingest", "subjects", csv, "--data", data, "--quiet", "--json"])
        #expect(result.status == 1)
        #expect(try json(result.standardOutput)["looksLike"] as? String == "csv")
        #expect(result.standardError.contains("all 3 lines were refused; the input looks like CSV"))
        let events = try write(
            #"{"externalId":"c-1","ts":"2025-03-01T10:05:00Z","event":"purchase","purpose":"analytics"}"# + "\n",
            to: "events.ndjson",
            in: scratch
        )
        let swapped = try CordonProcess.run(["ingest", "subjects", events, "--data", data, "--quiet"])
        #expect(swapped.status == 1 && swapped.standardError.contains("ingest them as events"))
        let plain = try CordonProcess.run(["ingest", "events", events, "--data", data, "--quiet"])
        #expect(plain.status == 1 && plain.standardError.contains("the only line was refused"))
    }

    @Test("--max-clock-skew sets how far ahead of now an event may be")
    func clockSkew() throws {
        let (scratch, data) = try initialized()
        let subject =
            #"{"externalId":"c-1","country":"DE","birthYear":1990,"consents":[{"purpose":"analytics","state":"granted","source":"t","recordedAt":"2025-03-01T10:00:00Z"}]}"#
        #expect(
            try CordonProcess.run(["ingest", "subjects", "-", "--data", data, "--quiet"], input: subject).status == 0
        )
        let soon = Date().addingTimeInterval(3600).formatted(.iso8601)
        let event = try write(
            #"{"externalId":"c-1","ts":"\#(soon)","event":"purchase","purpose":"analytics"}"# + "\n",
            to: "soon.ndjson",
            in: scratch
        )
        #expect(try CordonProcess.run(["ingest", "events", event, "--data", data, "--quiet"]).status == 0)
        let strict = try CordonProcess.run([
            "ingest", "events", event, "--data", data, "--quiet", "--max-clock-skew", "60",
        ])
        #expect(strict.status == 1)
        #expect(try json(strict.standardOutput)["rejectedByReason"] as? [String: Int] == ["invalid_field": 1])
    }
}
