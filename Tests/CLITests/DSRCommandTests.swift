import CordonTestSupport
import Foundation
import Testing

@Suite("cordon dsr", .serialized)
struct DSRCommandTests {
    /// An initialized data directory, removed with the scratch directory.
    struct Instance {
        let scratch: TemporaryDirectory
        let data: String

        init() throws {
            scratch = try TemporaryDirectory(prefix: "cordon-cli")
            data = scratch.url.appendingPathComponent("data").path
            let result = try CordonProcess.run(["init", "--data", data])
            #expect(result.status == 0, "init failed: \(result.standardError)")
        }

        /// Runs `cordon dsr ...` against this data directory.
        func dsr(_ arguments: String...) throws -> CordonProcess.Result {
            try CordonProcess.run(["dsr"] + arguments + ["--data", data])
        }

        /// Runs `cordon dsr ... --json` and parses the one JSON document it prints.
        func dsrJSON(_ arguments: String...) throws -> Any {
            let result = try CordonProcess.run(["dsr"] + arguments + ["--data", data, "--json"])
            #expect(result.status == 0, "dsr \(arguments) failed: \(result.standardError)")
            return try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
        }
    }

    @Test(arguments: [
        ["dsr"], ["dsr", "open"], ["dsr", "list"], ["dsr", "show"], ["dsr", "extend"], ["dsr", "complete"],
    ])
    func everyDSRCommandExplainsItself(_ command: [String]) throws {
        let result = try CordonProcess.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("OVERVIEW: "))
        #expect(result.standardOutput.contains("USAGE: cordon dsr"))
    }

    @Test func aRequestGoesFromOpenThroughExtendedToCompleted() throws {
        let instance = try Instance()
        let opened = try instance.dsr(
            "open",
            "--right",
            "erasure",
            "--region",
            "eu",
            "--ref",
            "ZD-1"
        )
        #expect(opened.status == 0)
        let id = try #require(opened.standardOutput.firstMatch(of: /dsr-[0-9a-f]{16}/).map { String($0.output) })
        #expect(opened.standardOutput.contains("erasure in eu under gdpr"))
        #expect(opened.standardOutput.contains("days left"))

        let shown = try #require(try instance.dsrJSON("show", id) as? [String: Any])
        let due = try #require(shown["dueAt"] as? String)
        let list = try instance.dsr("list")
        #expect(list.status == 0)
        #expect(list.standardOutput.hasPrefix("ID "))
        let row = try #require(list.standardOutput.split(separator: "\n").first { $0.hasPrefix(id) })
        #expect(row.contains("eu") && row.contains("erasure") && row.hasSuffix("open"))
        #expect(row.contains(String(due.prefix(10)) + " " + String(due.dropFirst(11).prefix(5))))

        let extended = try instance.dsr("extend", id, "--reason", "many systems to search")
        #expect(extended.status == 0)
        #expect(extended.standardOutput.hasPrefix("Extended \(id) to "))
        let extendedList = try instance.dsr("list", "--status", "extended")
        #expect(
            extendedList.standardOutput.split(separator: "\n").contains { $0.hasPrefix(id) && $0.hasSuffix("extended") }
        )
        let again = try instance.dsr("extend", id, "--reason", "again")
        #expect(again.status == 1)
        #expect(again.standardError.contains("only once"))

        let completed = try instance.dsr("complete", id, "--outcome", "erased; receipt issued")
        #expect(completed.status == 0)
        #expect(completed.standardOutput == "Completed \(id) on time.\n")
        #expect(try instance.dsr("list").standardOutput == "No open requests.\n")
        let done = try #require(try instance.dsrJSON("list", "--status", "completed") as? [[String: Any]])
        #expect(done.count == 1)
        #expect(done.first?["outcome"] as? String == "erased; receipt issued")
        #expect(done.first?["extensionReason"] as? String == "many systems to search")
        #expect(done.first?["daysLeft"] is NSNull)
    }

    @Test func deadlinesAndOverdueAreJudgedAtTheGivenTime() throws {
        let instance = try Instance()
        let opened = try #require(
            try instance.dsrJSON(
                "open",
                "--right",
                "access",
                "--region",
                "eu",
                "--ref",
                "ZD-4521",
                "--received-at",
                "2025-01-31T08:00:00Z"
            )
                as? [String: Any]
        )
        #expect(opened["dueAt"] as? String == "2025-02-28T08:00:00.000Z")
        #expect(opened["status"] as? String == "open")
        let id = try #require(opened["id"] as? String)

        let brazil = try #require(
            try instance.dsrJSON(
                "open",
                "--right",
                "access",
                "--region",
                "br",
                "--ref",
                "BR-7",
                "--received-at",
                "2025-02-01T12:00:00Z"
            )
                as? [String: Any]
        )
        #expect(brazil["dueAt"] as? String == "2025-02-16T12:00:00.000Z")

        let early = try #require(try instance.dsrJSON("list", "--now", "2025-02-10T00:00:00Z") as? [[String: Any]])
        #expect(early.map { $0["id"] as? String } == [brazil["id"] as? String, id])
        #expect(early.last?["daysLeft"] as? Int == 18)
        #expect(early.last?["overdue"] as? Bool == false)
        #expect(
            try instance.dsr("list", "--status", "overdue", "--now", "2025-02-10T00:00:00Z").standardOutput
                == "No overdue requests.\n"
        )

        let late = try instance.dsr("list", "--status", "overdue", "--now", "2025-03-01T00:00:00Z")
        let rows = late.standardOutput.split(separator: "\n").dropFirst(2)
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.contains("OVERDUE") })
        #expect(rows.first?.contains("2025-02-16 12:00") == true)

        // LGPD has no extension; the original GDPR deadline is long past.
        let lgpd = try instance.dsr("extend", try #require(brazil["id"] as? String), "--reason", "busy")
        #expect(lgpd.status == 1)
        #expect(lgpd.standardError.contains("allows no extension"))
        let tooLate = try instance.dsr("extend", id, "--reason", "busy")
        #expect(tooLate.status == 1)
        #expect(tooLate.standardError.contains("not lawful"))
    }

    @Test func aRightThePolicyDoesNotGrantIsRefused() throws {
        let instance = try Instance()
        let result = try instance.dsr("open", "--right", "opt_out_sale_share", "--region", "eu", "--ref", "T-1")
        #expect(result.status == 1)
        #expect(
            result.standardError.hasPrefix(
                "error: policy gdpr (region eu) does not provide the right 'opt_out_sale_share'"
            )
        )
        let us = try instance.dsr("open", "--right", "opt_out_sale_share", "--region", "us", "--ref", "T-1")
        #expect(us.status == 0)
    }

    @Test func badArgumentsAreUsageErrorsNamingTheFlag() throws {
        let instance = try Instance()
        let badDate = try instance.dsr(
            "open",
            "--right",
            "access",
            "--region",
            "eu",
            "--ref",
            "T-1",
            "--received-at",
            "31/01/2025"
        )
        #expect(badDate.status == 64)
        #expect(badDate.standardError.hasPrefix("error: --received-at must be an RFC 3339 time"))
        let badNow = try instance.dsr("list", "--now", "tomorrow")
        #expect(badNow.status == 64)
        #expect(badNow.standardError.contains("--now must be an RFC 3339 time"))
        #expect(try instance.dsr("open", "--right", "forget-me", "--region", "eu", "--ref", "T-1").status == 64)
        #expect(try instance.dsr("open", "--right", "access", "--region", "eu").status == 64)
        #expect(try instance.dsr("list", "--status", "late").status == 64)
        #expect(try instance.dsr("list", "--status", "all", "--json").standardOutput == "[\n\n]\n")
    }

    @Test(arguments: [["show"], ["complete"], ["extend", "--reason", "complex"]])
    func anUnknownIdFailsInOneLine(_ command: [String]) throws {
        let instance = try Instance()
        let result = try CordonProcess.run(
            ["dsr", command[0], "dsr-0000000000000000"] + command.dropFirst() + ["--data", instance.data]
        )
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        #expect(
            result.standardError
                == "error: no data-subject request has id 'dsr-0000000000000000'; `cordon dsr list --status all` shows them all\n"
        )
    }

    @Test func anUninitializedDataDirectorySaysToRunInit() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let data = scratch.url.appendingPathComponent("empty").path
        let result = try CordonProcess.run(["dsr", "list", "--data", data])
        #expect(result.status == 1)
        #expect(
            result.standardError.contains("\(data) is not a Cordon data directory; run `cordon init` or pass `--data`")
        )
        #expect(!FileManager.default.fileExists(atPath: data))
    }
}
