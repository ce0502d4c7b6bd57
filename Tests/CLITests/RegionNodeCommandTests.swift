import CordonCore
import CordonTestSupport
import Foundation
import Testing

/// `cordon init --regions/--node`, `cordon serve --regions`, and `cordon ingest --via`
/// against two region nodes on loopback ports (decision 0024).
@Suite("Region nodes from the command line")
struct RegionNodeCommandTests {
    static let recent = Timestamp.format(Date().addingTimeInterval(-86_400))

    static func subject(_ externalID: String, country: String) -> String {
        #"{"externalId":"\#(externalID)","country":"\#(country)","birthYear":1985,"pii":{"email":"\#(externalID)@example.com"},"consents":[{"purpose":"analytics","state":"granted","source":"test","recordedAt":"\#(recent)"}]}"#
    }

    @Test("init --regions eu creates only eu's keyring and records the regions and the nodes of others")
    func initOnlyTheseRegions() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let data = scratch.path("eu")
        let result = try CordonProcess.run([
            "init", "--data", data, "--regions", "eu", "--node", "us=https://us.example:8443/", "--json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let regionFiles = try FileManager.default.contentsOfDirectory(atPath: scratch.path("eu/regions")).sorted()
        #expect(regionFiles == ["eu.keys"])
        let instance = try InstanceConfiguration.read(from: URL(filePath: data))
        #expect(instance.regions == ["eu"] && instance.nodes == ["us": "https://us.example:8443"])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        )
        #expect(report["regions"] as? [String] == ["eu"])

        let unknown = try CordonProcess.run(["init", "--data", scratch.path("x"), "--regions", "ue"])
        #expect(unknown.status == 64 && unknown.standardError.contains("did you mean 'eu'?"))
        let badURL = try CordonProcess.run(["init", "--data", scratch.path("y"), "--node", "us=ftp://host"])
        #expect(badURL.status == 64 && badURL.standardError.contains("absolute http(s) URL"))
        let own = try CordonProcess.run([
            "init", "--data", scratch.path("z"), "--regions", "eu", "--node", "eu=http://127.0.0.1:1",
        ])
        #expect(own.status == 64 && own.standardError.contains("names a region this instance holds"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x")))
    }

    @Test("serve --regions may narrow the instance's regions but never widen them")
    func serveNeverWidens() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let data = scratch.path("eu")
        #expect(try CordonProcess.run(["init", "--data", data, "--regions", "eu"]).status == 0)
        let widened = try CordonProcess.run(["serve", "--data", data, "--regions", "eu,us", "--bind", "127.0.0.1:0"])
        #expect(widened.status == 64, "\(widened.standardError)")
        #expect(widened.standardError.contains("never widen") && widened.standardError.contains("does not hold us"))
    }

    @Test(
        "ingest --via splits a mixed file by country: each person lands only in their region's node, line numbers are the file's"
    )
    func ingestVia() throws {
        let us = try RegionNode(regions: ["us"])
        let eu = try RegionNode(regions: ["eu"], peers: ["us": us.url])
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let lines = [
            Self.subject("p-1", country: "DE"),  // 1 eu
            Self.subject("p-2", country: "US"),  // 2 us
            "",  // 3 blank
            Self.subject("p-3", country: "FR"),  // 4 eu
            Self.subject("p-4", country: "BR"),  // 5 br: no node known
            #"{"externalId":"p-5","country":"US","birthYear":1800}"#,  // 6 us, refused by the us node
            "{broken",  // 7 not routable
            Self.subject("p-6", country: "us"),  // 8 us
        ]
        let file = scratch.path("mixed.ndjson")
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(filePath: file))
        let rejects = scratch.path("rejects.ndjson")
        let result = try CordonProcess.run([
            "ingest", "subjects", "--via", eu.url, "--token", eu.tokens["ingest"]!, "--token",
            "us=\(us.tokens["ingest"]!)", "--rejects", rejects, file,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("lines answered"), "progress on stderr")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        )
        #expect(summary["lines"] as? Int == 7 && summary["blankLines"] as? Int == 1)
        #expect(summary["accepted"] as? Int == 4 && summary["rejected"] as? Int == 3)
        #expect(summary["acceptedByRegion"] as? [String: Int] == ["eu": 2, "us": 2])
        let rejections = try #require(summary["rejections"] as? [[String: Any]])
        #expect(rejections.map { $0["line"] as? Int } == [5, 6, 7])
        #expect(rejections.map { $0["reason"] as? String } == ["no_node", "invalid_field", "unroutable"])
        #expect(rejections[1]["nodeUrl"] as? String == us.url && rejections[1]["region"] as? String == "us")
        let written = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(written.count == 3)

        // Each person is stored only in their own region's node, on disk and in lookups.
        func held(_ node: RegionNode) throws -> [String] {
            try ["p-1", "p-2", "p-3", "p-6"].filter { externalID in
                try !node.vault.find(.externalID(externalID), context: AccessContext(actor: "test", role: .dpo))
                    .subjects.isEmpty
            }
        }
        #expect(try held(eu) == ["p-1", "p-3"])
        #expect(try held(us) == ["p-2", "p-6"])

        // Events follow their subject's country; one without it cannot be routed. Without a
        // subcommand, the first line says the file holds events.
        let event = #"{"externalId":"ID","ts":"\#(Self.recent)","event":"page_view","purpose":"analytics""#
        let events = [
            event.replacingOccurrences(of: "ID", with: "p-2") + #","country":"US"}"#,
            event.replacingOccurrences(of: "ID", with: "p-1") + #","country":"DE"}"#,
            event.replacingOccurrences(of: "ID", with: "p-3") + "}",
        ]
        let eventFile = scratch.path("events.ndjson")
        try Data(events.joined(separator: "\n").utf8).write(to: URL(filePath: eventFile))
        let routed = try CordonProcess.run([
            "ingest", "--via", eu.url, "--token", eu.tokens["ingest"]!, "--token",
            "us=\(us.tokens["ingest"]!)", "-q", eventFile,
        ])
        #expect(routed.status == 0, "\(routed.standardError)")
        let eventSummary = try #require(
            try JSONSerialization.jsonObject(with: Data(routed.standardOutput.utf8)) as? [String: Any]
        )
        #expect(eventSummary["kind"] as? String == "events", "told apart by the first line")
        #expect(eventSummary["acceptedByRegion"] as? [String: Int] == ["eu": 1, "us": 1])
        let unrouted = try #require((eventSummary["rejections"] as? [[String: Any]])?.first)
        #expect(unrouted["line"] as? Int == 3 && unrouted["reason"] as? String == "unroutable")
        eu.stop()
        us.stop()
        #expect(try eu.storeFiles() == ["eu.db"])
        #expect(try us.storeFiles() == ["us.db"])
    }

    @Test("ingest --via without a token, or with a node that is not there, fails with what to do")
    func ingestViaRefusals() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let file = scratch.path("one.ndjson")
        try Data(Self.subject("p-1", country: "DE").utf8).write(to: URL(filePath: file))
        let noToken = try CordonProcess.run(["ingest", "subjects", "--via", "http://127.0.0.1:9", file])
        #expect(noToken.status == 64 && noToken.standardError.contains("--token"))
        let noVia = try CordonProcess.run(["ingest", file])
        #expect(noVia.status == 64 && noVia.standardError.contains("cordon ingest subjects FILE"))
        let badURL = try CordonProcess.run(["ingest", "subjects", "--via", "ftp://x", "--token", "t", file])
        #expect(badURL.status == 64)
        let absent = try CordonProcess.run(["ingest", "subjects", "--via", "http://127.0.0.1:9", "--token", "t", file])
        #expect(absent.status == 1 && absent.standardError.contains("cannot reach"), "\(absent.standardError)")
    }
}
