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
}
