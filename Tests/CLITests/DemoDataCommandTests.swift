import CordonTestSupport
import Foundation
import Testing

@Suite("cordon demo-data", .serialized)
struct DemoDataCommandTests {
    @Test func writesBothFilesAndSummarizes() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let out = scratch.url.appendingPathComponent("demo").path
        let result = try CordonProcess.run([
            "demo-data", "--subjects", "60", "--events", "500", "--seed", "4", "--out", out,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.isEmpty)  // no progress for small runs
        #expect(result.standardOutput.hasPrefix("wrote \(out)/subjects.ndjson and \(out)/events.ndjson\n"))
        #expect(result.standardOutput.contains("subjects: 60 lines"))
        #expect(result.standardOutput.contains("events:   500 lines"))
        #expect(try Self.lines(of: "\(out)/subjects.ndjson").count == 60)
        #expect(try Self.lines(of: "\(out)/events.ndjson").count == 500)
    }

    @Test func jsonSummaryMatchesTheFiles() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let result = try CordonProcess.run([
            "demo-data", "--subjects", "200", "--events", "1500", "--seed", "0x2a", "--invalid-rate", "0.05",
            "--out", scratch.path, "--json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        )
        let subjects = try #require(summary["subjects"] as? [String: Any])
        let events = try #require(summary["events"] as? [String: Any])
        #expect(summary["seed"] as? Int == 42)
        #expect(subjects["lines"] as? Int == 200)
        #expect(events["lines"] as? Int == 1500)
        let invalidSubjects = (subjects["invalid"] as? [String: Int] ?? [:]).values.reduce(0, +)
        #expect(subjects["valid"] as? Int == 200 - invalidSubjects)
        let regions = try #require(subjects["regions"] as? [String: Int])
        #expect(Set(regions.keys) == ["br", "cn", "eu", "uk", "us"])
        #expect(regions.values.reduce(0, +) == 200 - invalidSubjects)
        let countries = try #require(subjects["countries"] as? [String: Int])
        #expect(countries.values.reduce(0, +) == 200 - invalidSubjects)
        #expect(subjects["minors"] is Int && subjects["gpc"] is Int)
        let consents = try #require(subjects["consents"] as? [String: [String: [String: Any]]])
        #expect(consents["eu"]?["analytics"]?["grantedRate"] is Double)
        // Every valid subject with GPC is in the file; invalid lines may add more.
        let gpcLines = try Self.lines(of: "\(scratch.path)/subjects.ndjson").filter { $0.contains("\"gpc\":true}") }
        #expect(gpcLines.count >= subjects["gpc"] as? Int ?? .max)
    }

    @Test func sameArgumentsGiveIdenticalFilesAndAnotherSeedDoesNot() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        var outputs: [[Data]] = []
        for (directory, seed) in [("a", "9"), ("b", "9"), ("c", "10")] {
            let out = scratch.url.appendingPathComponent(directory).path
            let result = try CordonProcess.run([
                "demo-data", "--subjects", "40", "--events", "300", "--seed", seed, "--out", out,
            ])
            #expect(result.status == 0, "\(result.standardError)")
            outputs.append(
                try ["subjects.ndjson", "events.ndjson"].map {
                    try Data(contentsOf: URL(fileURLWithPath: "\(out)/\($0)"))
                }
            )
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0][0] != outputs[2][0])
        #expect(outputs[0][1] != outputs[2][1])
    }

    @Test func helpExplainsTheCommand() throws {
        let result = try CordonProcess.run(["demo-data", "--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("OVERVIEW: "))
        #expect(result.standardOutput.contains("USAGE: cordon demo-data"))
        for option in ["--subjects", "--events", "--seed", "--out", "--invalid-rate", "--config", "--json"] {
            #expect(result.standardOutput.contains(option))
        }
        let root = try CordonProcess.run(["--help"])
        #expect(root.standardOutput.contains("\n  demo-data "))
    }

    @Test(arguments: [
        (["--subjects", "-5"], "--subjects must be an integer"),
        (["--subjects", "ten"], "--subjects must be an integer"),
        (["--events", "-1"], "--events must be an integer"),
        (["--invalid-rate", "2"], "--invalid-rate must be a number in 0...1"),
        (["--seed", "-1"], "--seed must be an integer"),
        (["--subjects", "0", "--events", "5"], "--events needs at least one subject"),
    ])
    func badArgumentsExit64(_ arguments: [String], message: String) throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let result = try CordonProcess.run(["demo-data"] + arguments + ["--out", scratch.path])
        #expect(result.status == 64)
        #expect(result.standardError.contains("error: \(message)"))
        #expect(result.standardError.contains("See 'cordon demo-data --help'"))
        #expect(!FileManager.default.fileExists(atPath: "\(scratch.path)/subjects.ndjson"))
    }

    @Test func missingOutExits64() throws {
        let result = try CordonProcess.run(["demo-data", "--subjects", "5"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("error: missing --out DIR"))
    }

    private static func lines(of path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    }
}
