import CordonAudit
import CordonCore
import CordonCrypto
import CordonServer
import CordonTestSupport
import Foundation
import Testing

/// A coordinator (decision 0027) over an eu and a us node on loopback ports: its own data
/// directory holds no region; its analyst, DPO and admin tokens are its own.
final class CoordinatorFixture: Sendable {
    let directory: URL
    let api: CordonAPI
    let host: MicroHTTPDHost
    let analystToken: String
    /// The coordinator's own tokens by role label: `analyst`, `dpo`, `admin`.
    let tokens: [String: String]
    let log = RecordingLogHandler()

    init(eu: RegionNode, us: RegionNode, timeoutSeconds: Double = 3) throws {
        directory = try TemporaryDirectory.create(prefix: "cordon-coordinator")
        let source = ShippedVault.keyFile(in: directory)
        _ = try DataDirectory.initialize(at: directory, regions: [], source: source, passphraseParameters: .testing)
        let vault = try ShippedVault.open(at: directory, source: source)
        let secrets = try RegionNode.issueTokens(in: vault, [("analyst", .analyst), ("dpo", .dpo), ("admin", .admin)])
        tokens = secrets
        analystToken = secrets["analyst"] ?? ""
        var nodes: [RegionID: String] = [:]
        var tokens: [RegionID: String] = [:]
        for region in ShippedVault.configuration.regions.keys {
            // The eu node is named for br, cn and uk too: it holds none of them, so answers
            // list them in regionsUnavailable (never silently omitted).
            let node = region == "us" ? us : eu
            nodes[region] = node.url
            tokens[region] = node.tokens["coordinator"]
        }
        let coordinator = try Coordinator(
            configuration: ShippedVault.configuration,
            nodes: nodes,
            tokens: tokens,
            timeoutSeconds: timeoutSeconds
        )
        var configuration = ServerConfiguration(dataDirectory: directory)
        configuration.bind = .loopback(port: 0)
        configuration.configDirectory = TestPackage.root
        configuration.policies = ShippedVault.configuration
        configuration.coordinator = coordinator
        configuration.nodes = coordinator.nodes
        configuration.retentionIntervalSeconds = nil
        configuration.logger = Logger(label: "cordon.server", handler: log, logLevel: .trace)
        api = CordonAPI(
            configuration: configuration,
            session: try VaultSession(vault: vault, configDirectory: TestPackage.root)
        )
        host = try MicroHTTPDHost(api: api)
        coordinator.nodes.listening(at: "http://127.0.0.1:\(host.port)")
    }

    func send(_ method: String, _ path: String, token: String?, body: String? = nil) async throws -> Reply {
        try await HTTPClient(port: host.port).send(
            method,
            path,
            token: token,
            body: body,
            contentType: body == nil ? nil : "application/json"
        )
    }

    deinit {
        host.stop(grace: 1)
        try? api.slot.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite("Coordinator: relayed queries, merged releases, regionsUnavailable, 421")
struct CoordinatorTests {
    static let query =
        #"{"sql":"SELECT country, COUNT(DISTINCT subject) FROM events GROUP BY country","purpose":"analytics"}"#

    /// Two nodes with people (and a canary email) in DE and US, and a coordinator over them.
    static func topology(
        timeout: Double = 3
    ) async throws -> (eu: RegionNode, us: RegionNode, coordinator: CoordinatorFixture) {
        let us = try RegionNode(regions: ["us"])
        let eu = try RegionNode(regions: ["eu"], peers: ["us": us.url])
        for (node, country) in [(eu, "DE"), (us, "US")] {
            let subjects = (0..<40).map {
                ServerFixture.subject(
                    "p-\(country)-\($0)",
                    country: country,
                    email: "canary-\(country)-\($0)@example.com"
                )
            }
            let events = (0..<40).map { ServerFixture.event("p-\(country)-\($0)") }
            #expect(try await RegionNodeTests.ingest(node, "subjects", subjects).status == 200)
            #expect(try await RegionNodeTests.ingest(node, "events", events).status == 200)
        }
        return (eu, us, try CoordinatorFixture(eu: eu, us: us, timeoutSeconds: timeout))
    }

    @Test(
        "a merged answer has the single node's shape and privacy metadata, each node's budget is charged, a re-run is free"
    )
    func mergedAnswer() async throws {
        let (eu, us, coordinator) = try await Self.topology()
        let reply = try await coordinator.send("POST", "/v1/query", token: coordinator.analystToken, body: Self.query)
        #expect(reply.status == 200, "\(reply.text)")
        try OpenAPIContractTests.conforms(reply, method: "POST", template: "/v1/query")
        let single = try await RegionNodeTests.send(eu, "POST", "/v1/query", token: "analyst", body: Self.query)
        #expect(single.status == 200)
        #expect(reply.json?["regionsUnavailable"] as? [String] == ["br", "cn", "uk"], "held by no node here")
        #expect(
            Set(reply.json?.keys ?? [:].keys).subtracting(["regionsUnavailable"]) == Set(single.json?.keys ?? [:].keys)
        )
        let privacy = try #require(reply.json?["privacy"] as? [String: Any])
        let singlePrivacy = try #require(single.json?["privacy"] as? [String: Any])
        #expect(Set(privacy.keys) == Set(singlePrivacy.keys))
        let spent = try #require(privacy["epsilonSpent"] as? [String: String])
        #expect(spent.keys.contains("eu") && spent.keys.contains("us") && spent["us"] != "0")
        #expect((privacy["policyVersions"] as? [String: String])?.keys.contains("us") == true)
        let rows = try #require(reply.json?["rows"] as? [[Any]])
        #expect(Set(rows.compactMap { $0.first as? String }) == ["DE", "US"])
        let rowRegions = try #require(reply.json?["rowRegions"] as? [[String: Any]])
        #expect(rowRegions.contains { $0["regions"] as? [String] == ["us"] })
        // Each node charged the analyst's budget in its own region.
        for node in [eu, us] {
            let budget = try await RegionNodeTests.send(node, "GET", "/v1/budget", token: "analyst")
            let regions = try #require(budget.json?["regions"] as? [[String: Any]])
            #expect(
                regions.contains {
                    ($0["queries"] as? Int ?? 0) >= 1 || ($0["spent"] as? String).map { $0 != "0" } == true
                },
                "\(budget.text)"
            )
        }
        let again = try await coordinator.send("POST", "/v1/query", token: coordinator.analystToken, body: Self.query)
        #expect((again.json?["privacy"] as? [String: Any])?["cached"] as? Bool == true)
        #expect((again.json?["rows"] as? NSArray)?.isEqual(reply.json?["rows"] as? NSArray) == true)
        let entries = try coordinator.api.slot.session!.vault.auditEntries(
            in: 0..<coordinator.api.slot.session!.vault.auditTreeSize
        )
        #expect(entries.filter { $0.action == AuditAction.queryRelay.rawValue }.count == 2)
    }

    @Test(
        "a stopped node's regions are listed in regionsUnavailable within the timeout; the other region's rows still come"
    )
    func stoppedNode() async throws {
        let (eu, us, coordinator) = try await Self.topology(timeout: 2)
        us.stop()
        let started = Date()
        let reply = try await coordinator.send("POST", "/v1/query", token: coordinator.analystToken, body: Self.query)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json?["regionsUnavailable"] as? [String] == ["br", "cn", "uk", "us"])
        let rows = try #require(reply.json?["rows"] as? [[Any]])
        #expect(rows.compactMap { $0.first as? String }.contains("DE"))
        #expect(!rows.compactMap { $0.first as? String }.contains("US"))
        withExtendedLifetime(eu) {}
        let ready = try await coordinator.send("GET", "/readyz", token: nil)
        #expect(ready.status == 200 && ready.json?["status"] as? String == "degraded")
    }

    @Test("POST /v1/events and subject routes on the coordinator are 421 with the nodes' URLs; nothing of them is kept")
    func misdirected() async throws {
        let (eu, us, coordinator) = try await Self.topology()
        let events = [RegionNodeTests.event("p-US-1", country: "US"), RegionNodeTests.event("p-DE-1", country: "DE")]
        let reply = try await HTTPClient(port: coordinator.host.port).send(
            "POST",
            "/v1/events",
            body: events.joined(separator: "\n"),
            contentType: "application/x-ndjson"
        )
        #expect(reply.status == 421 && reply.code == "misdirected_request", "\(reply.text)")
        let targets = RegionNodeTests.targets(reply)
        #expect(targets["us"]?.0 == us.url && targets["us"]?.1 == [1])
        #expect(targets["eu"]?.0 == eu.url && targets["eu"]?.1 == [2])
        let lookup = try await coordinator.send("GET", "/v1/subjects/lookup?externalId=x", token: nil)
        #expect(lookup.status == 421 && RegionNodeTests.targets(lookup)["us"]?.0 == us.url)
    }

    @Test("no personal-data canary ever reaches the coordinator's directory or logs")
    func canary() async throws {
        let (eu, us, coordinator) = try await Self.topology()
        defer { withExtendedLifetime((eu, us)) {} }
        _ = try await coordinator.send("POST", "/v1/query", token: coordinator.analystToken, body: Self.query)
        let line = ServerFixture.subject("p-DE-canary", country: "DE", email: "canary-DE-x@example.com")
        _ = try await HTTPClient(port: coordinator.host.port).send(
            "POST",
            "/v1/subjects",
            body: line,
            contentType: "application/x-ndjson"
        )
        let files = FileManager.default.enumerator(at: coordinator.directory, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard let data = try? Data(contentsOf: file) else { continue }
            for canary in ["canary-", "p-DE-", "p-US-"] {
                #expect(data.range(of: Data(canary.utf8)) == nil, "\(file.path)")
            }
        }
        let logged = String(describing: coordinator.log.logged)
        #expect(!logged.contains("canary-") && !logged.contains("p-DE-"))
    }

    @Test("the coordinator role relays queries and reads checkpoints, nothing else")
    func coordinatorRole() async throws {
        let us = try RegionNode(regions: ["us"])
        for (method, path) in [
            ("GET", "/v1/subjects/lookup?externalId=x"), ("POST", "/v1/subjects"), ("GET", "/v1/audit/entries"),
            ("POST", "/v1/query"),
        ] {
            let reply = try await RegionNodeTests.send(
                us,
                method,
                path,
                token: "coordinator",
                body: method == "POST" ? "{}" : nil
            )
            #expect(reply.status == 403, "\(method) \(path): \(reply.text)")
        }
        #expect(try await RegionNodeTests.send(us, "GET", "/v1/audit/checkpoint", token: "coordinator").status == 200)
        let relayed = #"{"sql":"SELECT COUNT(DISTINCT subject) FROM events","purpose":"analytics","analyst":"ana"}"#
        #expect(
            try await RegionNodeTests.send(us, "POST", "/v1/query/release", token: "analyst", body: relayed).status
                == 403
        )
        let release = try await RegionNodeTests.send(
            us,
            "POST",
            "/v1/query/release",
            token: "coordinator",
            body: relayed
        )
        #expect(release.status == 200, "\(release.text)")
        try OpenAPIContractTests.conforms(release, method: "POST", template: "/v1/query/release")
    }
}
