import CordonTestSupport
import Foundation
import Testing

/// The CLI under careless and hostile input: no traps, one clear message, the right exit
/// status.
@Suite("cordon CLI: hostile input")
struct HostileInputCommandTests {
    func write(_ text: String, to name: String, in scratch: TemporaryDirectory) throws -> String {
        let path = scratch.url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("ingest of 200,000 blank lines exits 0 with nothing refused (it crashed)")
    func blankLines() throws {
        let (scratch, data) = try CordonProcess.initialized()
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
        let (scratch, data) = try CordonProcess.initialized()
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
        let (scratch, data) = try CordonProcess.initialized()
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
        let (scratch, data) = try CordonProcess.initialized()
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
        let serve = try CordonProcess.run(["serve", "--data", data, "--max-clock-skew", "-1"])
        #expect(serve.status == 64 && serve.standardError.contains("--max-clock-skew must be an integer"))
    }

    /// A subject ingested into a fresh data directory, and its id.
    func withSubject() throws -> (TemporaryDirectory, String, String) {
        let (scratch, data) = try CordonProcess.initialized()
        let subject =
            #"{"externalId":"c-1","country":"DE","birthYear":1990,"pii":{"email":"anna@example.com"},"consents":[{"purpose":"analytics","state":"granted","source":"t","recordedAt":"2025-03-01T10:00:00Z"}]}"#
        #expect(
            try CordonProcess.run(["ingest", "subjects", "-", "--data", data, "--quiet"], input: subject).status == 0
        )
        let lookup = try CordonProcess.run(["subject", "lookup", "--external-id", "c-1", "--data", data, "--json"])
        let id = try #require(try json(lookup.standardOutput)["subjectId"] as? String)
        return (scratch, data, id)
    }

    @Test("keys rotate --region with an unknown region is a usage error listing the regions (it trapped)")
    func keysRotateUnknownRegion() throws {
        let (scratch, data) = try CordonProcess.initialized()
        defer { withExtendedLifetime(scratch) {} }
        let result = try CordonProcess.run(["keys", "rotate", "--region", "xx", "--data", data])
        #expect(result.status == 64, "\(result.standardError.prefix(300))")
        #expect(
            result.standardError.hasPrefix("error: unknown region 'xx' for --region; valid: audit, br, cn, control, eu")
        )
        let pages = try CordonProcess.run(["keys", "rotate", "--region", "control", "--pages", "--data", data])
        #expect(pages.status == 64 && pages.standardError.contains("valid: br, cn, eu, uk, us"))
        #expect(!FileManager.default.fileExists(atPath: data + "/regions/xx.keys"))
        #expect(try CordonProcess.run(["audit", "verify", "--data", data]).status == 0)
    }

    @Test("every unknown region, purpose, role (and right, state, status, field) is exit 64 with a did-you-mean")
    func didYouMean() throws {
        let (scratch, data, id) = try withSubject()
        defer { withExtendedLifetime(scratch) {} }
        let cases: [([String], String)] = [
            (["keys", "rotate", "--region", "ue"], "'eu'"),
            (["dsr", "open", "--right", "acces", "--region", "eu", "--ref", "r"], "'access'"),
            (["dsr", "open", "--right", "access", "--region", "EU", "--ref", "r"], "'eu'"),
            (["dsr", "list", "--status", "opne"], "'open'"),
            (["subject", "consent", id, "--purpose", "analytcs", "--state", "granted"], "'analytics'"),
            (["subject", "consent", id, "--purpose", "analytics", "--state", "grnted"], "'granted'"),
            (["subject", "rectify", id, "--set", "emial=a@example.org"], "'email'"),
            (["query", "SELECT COUNT(*) FROM subjects", "--purpose", "analytic", "--analyst", "a"], "'analytics'"),
            (
                [
                    "query", "SELECT COUNT(*) FROM subjects", "--purpose", "analytics", "--analyst", "a", "--format",
                    "jsno",
                ], "'json'"
            ),
            (["token", "create", "--role", "analist", "--regions", "eu", "--name", "n"], "'analyst'"),
            (["token", "create", "--role", "dpo", "--regions", "eu,bx", "--name", "n"], "'br'"),
            (["policy", "show", "gdrp"], "'gdpr'"),
        ]
        for (arguments, suggestion) in cases {
            let result = try CordonProcess.run(arguments + (arguments[0] == "policy" ? [] : ["--data", data]))
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.standardError.prefix(200))")
            #expect(
                result.standardError.contains("did you mean \(suggestion)?"),
                "\(arguments): \(result.standardError)"
            )
            #expect(result.standardError.contains("; valid: "), "\(arguments)")
            #expect(result.standardOutput.isEmpty, "\(arguments)")
        }
        let file = try CordonProcess.run(["ingest", "subjects", "--file", "x", "--data", data])
        #expect(file.status == 64 && file.standardError.hasPrefix("error: unknown option '--file'"))
    }

    @Test("a missing data directory says it is not one and how to make one")
    func missingDataDirectory() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let missing = scratch.url.appendingPathComponent("nowhere").path
        for arguments in [
            ["subject", "lookup", "--email", "a@example.com"], ["keys", "status"], ["dsr", "list"], ["token", "list"],
        ] {
            let result = try CordonProcess.run(arguments + ["--data", missing])
            #expect(result.status == 1)
            #expect(
                result.standardError
                    == "error: \(missing) is not a Cordon data directory; run `cordon init` or pass `--data`\n",
                "\(arguments)"
            )
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test("--json prints exactly one JSON document on stdout for every command that prints a result")
    func jsonEverywhere() throws {
        let (scratch, data, id) = try withSubject()
        let receipt = scratch.url.appendingPathComponent("receipt.json").path
        let subject = #"{"externalId":"c-2","country":"FR","birthYear":1990,"consents":[]}"#
        let commands: [([String], String?)] = [
            (["version"], nil),
            (["policy", "show", "eu"], nil),
            (["subject", "rectify", id, "--set", "name=Anna B"], nil),
            (["subject", "consent", id, "--purpose", "marketing_email", "--state", "withdrawn"], nil),
            (["ingest", "subjects", "-", "--quiet"], subject),
            (["subject", "erase", id, "--receipt", receipt], nil),
            (["receipt", "verify", receipt], nil),
        ]
        for (arguments, input) in commands {
            let local = ["version", "policy"].contains(arguments[0])
            let result = try CordonProcess.run(arguments + (local ? [] : ["--data", data]) + ["--json"], input: input)
            #expect(result.status == (arguments[0] == "ingest" ? 1 : 0), "\(arguments): \(result.standardError)")
            let document = try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
            #expect(document is [String: Any], "\(arguments): \(result.standardOutput.prefix(300))")
        }
        let verified = try CordonProcess.run(["receipt", "verify", receipt, "--data", data, "--json"])
        #expect(try json(verified.standardOutput)["verified"] as? Bool == true)
        let consent = try CordonProcess.run([
            "subject", "consent", id, "--purpose", "analytics", "--state", "granted", "--data", data, "--json",
        ])
        #expect(consent.status == 1, "the subject is erased")
    }
}
