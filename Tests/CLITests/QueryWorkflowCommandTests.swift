import CordonTestSupport
import Foundation
import Testing

/// The analyst's workflow on the command line: exports, saved queries, principals and
/// per-query options, run against the built binary.
@Suite("cordon query: exports, saved queries, principals", .serialized)
struct QueryWorkflowCommandTests {
    typealias Instance = QueryCommandTests.Instance
    static let text = "SELECT channel, COUNT(*) AS events FROM events GROUP BY channel"

    @Test func anAnalystNameWithoutATokenIsRefusedNamingTheFix() throws {
        let instance = try Instance()
        for command in [
            ["query", Self.text, "--purpose", "analytics", "--analyst", "mallory"],
            ["query", Self.text, "--purpose", "analytics", "--analyst", "mallory", "--explain"],
            ["budget", "--analyst", "mallory"],
        ] {
            let refused = try CordonProcess.run(command + ["--data", instance.data])
            #expect(refused.status == 64, "\(command)")
            #expect(refused.standardError.contains("no active analyst token is named 'mallory'"))
            #expect(refused.standardError.contains("cordon token create --role analyst"))
            #expect(refused.standardError.contains("cordon token list"))
        }
        let missing = try instance.run("query", Self.text, "--purpose", "analytics")
        #expect(missing.status == 64)
        #expect(missing.standardError.contains("--analyst NAME"))
        // The name of a token of another role is no analyst either.
        _ = try instance.run("token", "create", "--role", "ingest", "--regions", "all", "--name", "shop")
        let ingest = try instance.run("budget", "--analyst", "shop")
        #expect(ingest.standardError.contains("'shop' is an active ingest token"))
        // An unknown secret opens no budget either.
        let bogus = try instance.run("budget", "--token", "cordon_" + String(repeating: "0", count: 64))
        #expect(bogus.status == 64)
    }

    @Test func aTokenSecretStandsForItsName() throws {
        let instance = try Instance()
        let first = try instance.run("query", Self.text, "--purpose", "analytics", "--token", instance.secret, "--json")
        #expect(first.status == 0, "\(first.standardError)")
        // The same budget holder: the second ask, by name, is the released answer.
        let again = try instance.run("query", Self.text, "--purpose", "analytics", "--analyst", "ana", "--json")
        #expect(again.standardOutput.contains("\"cached\" : true"))
    }

    @Test func csvGoesToStdoutOrAFileWithIntervalsAndPrivacyLines() throws {
        let instance = try Instance()
        // 300 people in all: a total every region's threshold releases.
        let people = "SELECT COUNT(*) AS people FROM subjects"
        let csv = try instance.run("query", people, "--purpose", "analytics", "--analyst", "ana", "--format", "csv")
        #expect(csv.status == 0, "\(csv.standardError)")
        let lines = csv.standardOutput.components(separatedBy: "\r\n")
        #expect(lines.contains { $0.hasPrefix("# epsilon spent: ") && $0.contains("eu=1") }, "\(lines)")
        #expect(lines.contains("# confidence: 0.95"))
        #expect(lines.contains("# mechanism: discrete laplace"))
        #expect(lines.contains("people,people_low,people_high,regions,regions_suppressed"), "\(lines)")
        let file = instance.scratch.url.appendingPathComponent("answer.csv").path
        let written = try instance.run(
            "query",
            people,
            "--purpose",
            "analytics",
            "--analyst",
            "ana",
            "--format",
            "csv",
            "--output",
            file
        )
        #expect(written.status == 0)
        #expect(written.standardOutput.isEmpty)
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        #expect(saved.contains("people,people_low,people_high,regions,regions_suppressed\r\n"))
        #expect(saved.contains("# cached: true"))
    }

    @Test func xlsxIsWrittenToAFile() throws {
        let instance = try Instance()
        let file = instance.scratch.url.appendingPathComponent("answer.xlsx").path
        let result = try instance.run(
            "query",
            Self.text,
            "--purpose",
            "analytics",
            "--analyst",
            "ana",
            "--format",
            "xlsx",
            "--output",
            file
        )
        #expect(result.status == 0, "\(result.standardError)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(result.standardError.contains("wrote \(file) (xlsx"))
        let explain = try instance.run(
            "query",
            Self.text,
            "--purpose",
            "analytics",
            "--analyst",
            "ana",
            "--format",
            "xlsx",
            "--explain"
        )
        #expect(explain.status == 64)
    }

    @Test func savedQueriesAreSavedListedAndRunForFree() throws {
        let instance = try Instance()
        let save = try instance.run(
            "query",
            "save",
            "by-channel",
            "select channel, count(*) as events from events group by channel",
            "--purpose",
            "analytics",
            "--analyst",
            "ana"
        )
        #expect(save.status == 0, "\(save.standardError)")
        #expect(save.standardOutput.contains("SELECT channel, COUNT(*) FROM events GROUP BY channel"))
        let list = try instance.run("query", "saved", "--analyst", "ana", "--json")
        let saved = try #require(
            try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]]
        )
        #expect(saved.map { $0["name"] as? String } == ["by-channel"])
        #expect(saved.first?["query"] as? String == "SELECT channel, COUNT(*) FROM events GROUP BY channel")
        #expect(saved.first?["text"] as? String == "select channel, count(*) as events from events group by channel")
        let first = try instance.run("query", "--saved", "by-channel", "--analyst", "ana", "--json")
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("\"cached\" : false"))
        let again = try instance.run("query", "--saved", "by-channel", "--analyst", "ana", "--format", "csv")
        #expect(again.standardOutput.contains("eu=0"), "\(again.standardOutput)")
        let taken = try instance.run(
            "query",
            "save",
            "by-channel",
            Self.text,
            "--purpose",
            "analytics",
            "--analyst",
            "ana"
        )
        #expect(taken.status == 64)
        #expect(taken.standardError.contains("already saved a query named 'by-channel'"))
        let unknown = try instance.run("query", "--saved", "nope", "--analyst", "ana")
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("no saved query named 'nope'"))
        let badName = try instance.run(
            "query",
            "save",
            "no spaces",
            Self.text,
            "--purpose",
            "analytics",
            "--analyst",
            "ana"
        )
        #expect(badName.status == 64)
        let badQuery = try instance.run(
            "query",
            "save",
            "x",
            "SELECT email FROM events",
            "--purpose",
            "analytics",
            "--analyst",
            "ana"
        )
        #expect(badQuery.status == 64)
        // Another analyst sees none of ana's.
        _ = try instance.run(
            "token",
            "create",
            "--role",
            "analyst",
            "--regions",
            "all",
            "--name",
            "bob",
            "--purposes",
            "analytics"
        )
        #expect(try instance.run("query", "saved", "--analyst", "bob").standardOutput.contains("no saved queries"))
        #expect(try instance.run("query", "--saved", "by-channel", "--analyst", "bob").status == 64)
    }

    @Test(arguments: [
        (["--epsilon", "0"], "--epsilon must be a finite number greater than 0"),
        (["--epsilon", "nan"], "--epsilon must be a finite number greater than 0"),
        (["--epsilon", "-1"], "--epsilon must be a finite number greater than 0"),
        (["--max-groups", "0"], "--max-groups must be a whole number greater than 0"),
        (["--max-rows", "1.5"], "--max-rows must be a whole number greater than 0"),
        (["--release-threshold", "-3"], "--release-threshold must be a whole number greater than 0"),
    ])
    func perQueryOptionsAreCheckedBeforeAnythingRuns(_ option: [String], _ message: String) throws {
        let result = try CordonProcess.run(
            ["query", Self.text, "--purpose", "analytics", "--analyst", "ana", "--data", "/nonexistent"] + option
        )
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }

    @Test func perQueryOptionsAreAcceptedWithExplain() throws {
        let instance = try Instance()
        let explained = try instance.run(
            "query",
            Self.text,
            "--purpose",
            "analytics",
            "--analyst",
            "ana",
            "--explain",
            "--epsilon",
            "0.5",
            "--max-groups",
            "1",
            "--max-rows",
            "2"
        )
        #expect(explained.status == 0, "\(explained.standardError)")
        #expect(explained.standardOutput.contains("region eu"))
    }

    /// `--release-threshold N` plans the query so groups of N people are released (the plan
    /// shows it), and a threshold ε cannot reach is refused with the least it can be.
    @Test func aReleaseThresholdIsShownInThePlanOrRefused() throws {
        let instance = try Instance()
        let arguments = ["query", Self.text, "--purpose", "analytics", "--analyst", "ana", "--explain"]
        let explained = try CordonProcess.run(arguments + ["--release-threshold", "400", "--data", instance.data])
        #expect(explained.status == 0, "\(explained.standardError)")
        let lines = explained.standardOutput.split(separator: "\n")
        let line = try #require(lines.first { $0.contains("release threshold: a group of") })
        let people = try #require(Int(line.split(separator: " ")[5]), "\(line)")
        #expect(people <= 400 && people > 300, "\(line)")
        let refused = try CordonProcess.run(arguments + ["--release-threshold", "11", "--data", instance.data])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("below the least this query can have"), "\(refused.standardError)")
    }
}
