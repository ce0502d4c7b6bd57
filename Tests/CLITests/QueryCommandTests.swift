import CordonTestSupport
import Foundation
import Testing

@Suite("cordon query and budget", .serialized)
struct QueryCommandTests {
    /// An initialized data directory with demo data ingested.
    struct Instance {
        let scratch: TemporaryDirectory
        let data: String
        /// The secret of the analyst token named `ana`.
        let secret: String

        init() throws {
            scratch = try TemporaryDirectory(prefix: "cordon-cli")
            data = scratch.url.appendingPathComponent("data").path
            #expect(try CordonProcess.run(["init", "--data", data]).status == 0)
            let demo = scratch.url.appendingPathComponent("demo").path
            #expect(
                try CordonProcess.run(["demo-data", "--subjects", "300", "--events", "3000", "--out", demo]).status == 0
            )
            _ = try CordonProcess.run(["ingest", "subjects", demo + "/subjects.ndjson", "--data", data])
            _ = try CordonProcess.run(["ingest", "events", demo + "/events.ndjson", "--data", data])
            // Budgets belong to analyst tokens: `--analyst ana` names this one.
            let token = try CordonProcess.run([
                "token", "create", "--role", "analyst", "--regions", "all", "--name", "ana", "--purposes", "analytics",
                "--data", data,
            ])
            #expect(token.status == 0, "\(token.standardError)")
            secret = token.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func run(_ arguments: String...) throws -> CordonProcess.Result {
            try CordonProcess.run(arguments + ["--data", data])
        }
    }

    @Test(arguments: [["query"], ["budget"]])
    func commandsExplainThemselves(_ command: [String]) throws {
        let result = try CordonProcess.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("USAGE: cordon \(command[0])"))
    }

    @Test func queryAnswersAsJSONAndRepeatsForFree() throws {
        let instance = try Instance()
        let text = "SELECT channel, COUNT(*) FROM events GROUP BY channel"
        let first = try instance.run("query", text, "--purpose", "analytics", "--analyst", "ana", "--format", "json")
        #expect(first.status == 0, "\(first.standardError)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any]
        )
        #expect(object["query"] as? String == text)
        let privacy = try #require(object["privacy"] as? [String: Any])
        #expect(privacy["cached"] as? Bool == false)
        #expect((privacy["epsilonSpent"] as? [String: String])?["eu"] == "1")
        let again = try instance.run(
            "query",
            "select channel, count(*) from events group by channel",
            "--purpose",
            "analytics",
            "--analyst",
            "ana"
        )
        #expect(again.standardOutput.contains("no budget spent"))
        let budget = try instance.run("budget", "--analyst", "ana", "--json")
        #expect(budget.standardOutput.contains("\"spent\" : \"1\""))
    }

    @Test func explainSpendsNothingAndRefusalsExitWithUsage() throws {
        let instance = try Instance()
        let explained = try instance.run(
            "query",
            "SELECT device, SUM(amount) FROM events WHERE region = 'eu' GROUP BY device",
            "--purpose",
            "analytics",
            "--analyst",
            "ana",
            "--explain"
        )
        #expect(explained.status == 0)
        #expect(explained.standardOutput.contains("region eu"))
        #expect(explained.standardOutput.contains("release threshold"))
        #expect(try instance.run("budget", "--analyst", "ana").standardOutput.contains("eu      gdpr     0"))
        let refused = try instance.run("query", "SELECT * FROM events", "--purpose", "analytics", "--analyst", "ana")
        #expect(refused.status == 64)
        #expect(refused.standardError.contains("line 1, column 8"))
        let missing = try instance.run("query", "SELECT COUNT(*) FROM events", "--analyst", "ana")
        #expect(missing.status == 64)
    }

    @Test(arguments: ["order_fulfillment", "sale_or_share"])
    func aPurposeAnalystsMayNotQueryIsAUsageErrorNamingTheQueryableOnes(_ purpose: String) throws {
        let (scratch, data) = try CordonProcess.initialized()
        defer { withExtendedLifetime(scratch) {} }  // the data directory lives in it
        _ = try CordonProcess.run([
            "token", "create", "--role", "analyst", "--regions", "all", "--name", "ana", "--purposes", "analytics",
            "--data", data,
        ])
        let refused = try CordonProcess.run([
            "query", "SELECT country, COUNT(*) FROM subjects GROUP BY country", "--purpose", purpose, "--analyst",
            "ana",
            "--data", data,
        ])
        #expect(refused.status == 64)
        #expect(refused.standardError.contains("purpose '\(purpose)' may not be queried"), "\(refused.standardError)")
        #expect(refused.standardError.contains("queryable purposes: analytics, marketing_email, ads_personalization"))
        #expect(refused.standardOutput.isEmpty)
    }
}
