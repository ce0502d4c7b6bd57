import CordonTestSupport
import Foundation
import Testing

/// Three region nodes and a coordinator, each in its own Linux network namespace with its
/// own address and TLS (`scripts/federated.sh`, issue #20): an ingest routed by country lands
/// each person only in their region's namespace; the coordinator's merged answer has the
/// shape and privacy metadata of one node's; a node whose trail is cut is reported by its
/// peers and the coordinator; a killed node is listed in `regionsUnavailable` within the node
/// timeout while the others answer; no personal-data canary reaches the coordinator's
/// directory or any log. Needs root, iproute2, openssl and curl — CI runs as root.
@Suite(
    "Region nodes and a coordinator in network namespaces",
    .serialized,
    .enabled(if: FederatedTopology.available, "needs root, iproute2, openssl and curl")
)
struct FederatedTopologyTests {
    static let recent = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86_400))

    static func subject(_ externalID: String, country: String, email: String) -> String {
        #"{"externalId":"\#(externalID)","country":"\#(country)","birthYear":1985,"pii":{"email":"\#(email)"},"consents":[{"purpose":"analytics","state":"granted","source":"test","recordedAt":"\#(recent)"}]}"#
    }

    /// 40 people in each of DE, US and GB (enough to pass the release threshold), the first
    /// German one carrying the canary in their e-mail address.
    static func people(canary: String) -> String {
        var lines: [String] = []
        for (country, prefix) in [("DE", "de"), ("US", "us"), ("GB", "gb")] {
            for index in 0..<40 {
                let email = country == "DE" && index == 0 ? "\(canary)@example.org" : "\(prefix)-\(index)@example.org"
                lines.append(subject("p-\(prefix)-\(index)", country: country, email: email))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let query = "SELECT region, COUNT(DISTINCT subject) AS people FROM subjects GROUP BY region"

    @Test func routedIngestMergedQueriesWitnessedTrailsAndAKilledNode() throws {
        let topology = try FederatedTopology(regions: ["eu", "us", "uk"])
        defer { topology.down() }
        // us's whole directory as it was before the ingest: served again later, it is a
        // consistent rollback its own checks cannot see — only its witnesses can.
        try topology.script("stop", "us")
        try FileManager.default.copyItem(atPath: topology.path("us"), toPath: topology.path("us-before"))
        try topology.script("start", "us")

        let canary = "canary-\(UUID().uuidString.prefix(8).lowercased())"
        let file = topology.path("people.ndjson")
        try Data(Self.people(canary: canary).utf8).write(to: URL(filePath: file))
        let ingest = try topology.inClient(
            [
                CordonProcess.binary.path, "ingest", "--via", topology.url("eu"), "--token",
                topology.token("eu", "ingest"),
                "--token", "us=\(try topology.token("us", "ingest"))", "--token",
                "uk=\(try topology.token("uk", "ingest"))", file,
            ]
        )
        #expect(ingest.status == 0, "\(ingest.standardError)")
        #expect(ingest.standardError.contains("120 accepted"), "\(ingest.standardError)")

        // On disk: each node holds its own region's store and no other; the coordinator none.
        for region in ["eu", "us", "uk"] {
            let stores = try FileManager.default.contentsOfDirectory(atPath: topology.path("\(region)/regions"))
                .filter { $0.hasSuffix(".db") }
            #expect(stores == ["\(region).db"], "\(region) holds \(stores)")
        }
        let coordinatorStores =
            (try? FileManager.default.contentsOfDirectory(atPath: topology.path("coord/regions"))) ?? []
        #expect(coordinatorStores.isEmpty, "the coordinator holds \(coordinatorStores)")

        // The coordinator merges the nodes' releases into one node's answer shape.
        let merged = try topology.post(
            "coord",
            "/v1/query",
            ["sql": Self.query, "purpose": "analytics"],
            token: topology.token("coord", "analyst")
        )
        let single = try topology.post(
            "eu",
            "/v1/query",
            ["sql": Self.query, "purpose": "analytics"],
            token: topology.token("eu", "analyst")
        )
        #expect(Set(single.keys).subtracting(merged.keys).isEmpty, "node: \(single.keys), coordinator: \(merged.keys)")
        let mergedPrivacy = try #require(merged["privacy"] as? [String: Any])
        let singlePrivacy = try #require(single["privacy"] as? [String: Any])
        #expect(Set(mergedPrivacy.keys) == Set(singlePrivacy.keys))
        #expect((mergedPrivacy["epsilonSpent"] as? [String: Any]).map { Set($0.keys) } == ["eu", "us", "uk"])
        let rows = try #require(merged["rows"] as? [[Any]])
        #expect(Set(rows.compactMap { $0.first as? String }) == ["eu", "us", "uk"], "\(rows)")
        // br and cn have no node of their own here: named, never silently omitted.
        #expect(merged["regionsUnavailable"] as? [String] == ["br", "cn"])

        // Every node and the coordinator verify us's grown trail.
        _ = try topology.waitFor("eu to cosign us's grown trail") {
            let report = try topology.get("eu", "/v1/audit/cosignatures", token: topology.token("eu", "dpo"))
            let peers = report["peers"] as? [[String: Any]] ?? []
            let sizes = Dictionary(peers.map { ($0["peer"] as? String ?? "", $0["treeSize"] as? Int ?? 0) }) { $1 }
            return (sizes["us"] ?? 0) > 20 ? sizes["us"] : nil
        }

        // Cut: us serves its older directory again; its peers and the coordinator report it.
        try topology.script("stop", "us")
        try FileManager.default.removeItem(atPath: topology.path("us"))
        try FileManager.default.moveItem(atPath: topology.path("us-before"), toPath: topology.path("us"))
        try topology.script("start", "us")
        for witness in ["eu", "uk", "coord"] {
            let alarms = try topology.waitFor("\(witness) to report us's cut trail") {
                let ready = try topology.get(witness, "/readyz", token: nil)
                return (ready["witnessAlarms"] as? Int ?? 0) > 0 ? ready["witnessAlarmPeers"] : nil
            }
            #expect("\(alarms)".contains("us"), "\(witness) reports \(alarms)")
        }

        // Killed: within the coordinator's node timeout (5 s) us is unavailable, eu and uk answer.
        try topology.kill("us")
        let started = Date()
        let degraded = try topology.post(
            "coord",
            "/v1/query",
            ["sql": "SELECT region, COUNT(*) FROM subjects GROUP BY region", "purpose": "analytics"],
            token: topology.token("coord", "analyst")
        )
        // The node timeout is 5 s; the rest is slack for a loaded 2-core machine (curl gives up at 20).
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(degraded["regionsUnavailable"] as? [String] == ["br", "cn", "us"], "\(degraded)")
        let left = (degraded["rows"] as? [[Any]] ?? []).compactMap { $0.first as? String }
        #expect(Set(left) == ["eu", "uk"], "\(degraded)")

        // No plaintext canary anywhere but the input file: stores are sealed, trails and logs
        // hold pseudonyms, and the coordinator never saw a person.
        #expect(try topology.filesContaining(Data(canary.utf8), except: file).isEmpty)
    }
}
