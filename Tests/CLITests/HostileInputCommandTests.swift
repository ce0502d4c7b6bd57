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
}
