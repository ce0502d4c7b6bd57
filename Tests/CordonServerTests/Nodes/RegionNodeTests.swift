import CordonAudit
import CordonCore
import CordonServer
import CordonTestSupport
import Foundation
import Testing

/// Region nodes (decision 0024): an eu node that knows the us node's URL and a us node that
/// knows no other, each on its own loopback port, each holding only its own region.
@Suite("Region nodes: 421 for other regions, the region directory")
struct RegionNodeTests {
    /// A us node (knowing no peer) and an eu node that knows the us node's URL.
    static func pair() throws -> (eu: RegionNode, us: RegionNode) {
        let us = try RegionNode(regions: ["us"])
        let eu = try RegionNode(regions: ["eu"], peers: ["us": us.url])
        return (eu, us)
    }

    static func send(
        _ node: RegionNode,
        _ method: String,
        _ path: String,
        token: String,
        body: String? = nil,
        contentType: String? = nil
    ) async throws -> Reply {
        try await HTTPClient(port: node.host.port).send(
            method,
            path,
            token: node.tokens[token],
            body: body,
            contentType: contentType ?? (body == nil ? nil : "application/json")
        )
    }

    static func ingest(_ node: RegionNode, _ kind: String, _ lines: [String]) async throws -> Reply {
        try await send(
            node,
            "POST",
            "/v1/\(kind)",
            token: "ingest",
            body: lines.joined(separator: "\n"),
            contentType: "application/x-ndjson"
        )
    }

    /// An event line carrying its subject's country (the routing hint).
    static func event(_ externalID: String, country: String) -> String {
        "{\"country\":\"\(country)\"," + ServerFixture.event(externalID).dropFirst()
    }

    /// The misdirected regions of a 421 body: region → (node URL or nil, lines).
    static func targets(_ reply: Reply) -> [String: (String?, [Int]?)] {
        var found: [String: (String?, [Int]?)] = [:]
        for entry in reply.json?["regions"] as? [[String: Any]] ?? [] {
            found[entry["region"] as! String] = (entry["nodeUrl"] as? String, entry["lines"] as? [Int])
        }
        return found
    }

    @Test("GET /v1/regions lists every region with its node URL (null when unknown) and which ones this node serves")
    func regionDirectory() async throws {
        let (eu, us) = try Self.pair()
        let reply = try await Self.send(eu, "GET", "/v1/regions", token: "ingest")
        #expect(reply.status == 200)
        try OpenAPIContractTests.conforms(reply, method: "GET", template: "/v1/regions")
        #expect(reply.json?["servedRegions"] as? [String] == ["eu"])
        #expect(reply.json?["nodeUrl"] as? String == eu.url)
        let regions = try #require(reply.json?["regions"] as? [[String: Any]])
        #expect(regions.map { $0["id"] as? String } == ["br", "cn", "eu", "uk", "us"])
        let byID = Dictionary(uniqueKeysWithValues: regions.map { ($0["id"] as! String, $0) })
        #expect(byID["eu"]?["served"] as? Bool == true && byID["eu"]?["nodeUrl"] as? String == eu.url)
        #expect(byID["us"]?["served"] as? Bool == false && byID["us"]?["nodeUrl"] as? String == us.url)
        #expect(byID["br"]?["nodeUrl"] is NSNull, "an unknown node is an explicit null")
        #expect((byID["us"]?["countries"] as? [String])?.contains("US") == true)

        let fromUS = try await Self.send(us, "GET", "/v1/regions", token: "analyst")
        let usRegions = try #require(fromUS.json?["regions"] as? [[String: Any]])
        #expect(usRegions.first { $0["id"] as? String == "eu" }?["nodeUrl"] is NSNull)
        #expect(fromUS.json?["servedRegions"] as? [String] == ["us"])
    }

    @Test(
        "a subjects batch with any line of another region is refused whole: 421 with lines per region, nothing stored, audited without PII"
    )
    func subjectBatchRefusedWhole() async throws {
        let (eu, us) = try Self.pair()
        let lines = [
            ServerFixture.subject("c-1", country: "DE", email: "anna@example.com"),
            ServerFixture.subject("c-2", country: "US", email: "bob@example.com"),
            "",
            ServerFixture.subject("c-3", country: "BR"),
            ServerFixture.subject("c-4", country: "us"),
        ]
        let reply = try await Self.ingest(eu, "subjects", lines)
        #expect(reply.status == 421 && reply.code == "misdirected_request", "\(reply.text)")
        try OpenAPIContractTests.conforms(reply, method: "POST", template: "/v1/subjects")
        let targets = Self.targets(reply)
        #expect(targets.keys.sorted() == ["br", "us"])
        #expect(targets["us"]?.0 == us.url && targets["us"]?.1 == [2, 5])
        #expect(targets["br"]?.0 == nil && targets["br"]?.1 == [4])
        #expect(reply.json?["servedRegions"] as? [String] == ["eu"])
        let message = try #require(reply.json?["message"] as? String)
        #expect(message.contains(us.url) && message.contains("--node br=URL") && message.contains("nothing was stored"))

        // Nothing of the batch is stored, not even the eu line.
        let lookup = try await Self.send(eu, "GET", "/v1/subjects/lookup?externalId=c-1", token: "dpo")
        #expect(lookup.status == 200 && (lookup.json?["subjects"] as? [Any])?.isEmpty == true)
        let entries = try eu.vault.auditEntries(in: 0..<eu.vault.auditTreeSize)
        #expect(!entries.contains { $0.action == AuditAction.ingestSubjects.rawValue })
        let misdirected = entries.filter { $0.action == AuditAction.requestMisdirected.rawValue }
        #expect(misdirected.count == 1)
        #expect(misdirected.first?.regions == ["br", "us"] && misdirected.first?.outcome == .denied)
        let recorded = String(decoding: try JSONEncoder().encode(misdirected), as: UTF8.self)
        for secret in ["c-1", "c-2", "anna", "bob@example.com"] { #expect(!recorded.contains(secret)) }

        // The same batch without the other regions' lines is stored.
        let accepted = try await Self.ingest(eu, "subjects", [lines[0]])
        #expect(accepted.status == 200 && (accepted.json?["summary"] as? [String: Any])?["accepted"] as? Int == 1)
    }

    @Test(
        "an events batch with a line whose country is another region's is refused whole; a country of this node's is accepted"
    )
    func eventBatches() async throws {
        let (eu, us) = try Self.pair()
        #expect(try await Self.ingest(eu, "subjects", [ServerFixture.subject("e-1", country: "DE")]).status == 200)
        let refused = try await Self.ingest(
            eu,
            "events",
            [Self.event("e-1", country: "DE"), Self.event("u-1", country: "US"), ServerFixture.event("e-1")]
        )
        #expect(refused.status == 421, "\(refused.text)")
        try OpenAPIContractTests.conforms(refused, method: "POST", template: "/v1/events")
        #expect(Self.targets(refused)["us"]?.0 == us.url && Self.targets(refused)["us"]?.1 == [2])
        let stored = try eu.vault.auditEntries(in: 0..<eu.vault.auditTreeSize)
        #expect(!stored.contains { $0.action == AuditAction.ingestEvents.rawValue })

        let accepted = try await Self.ingest(
            eu,
            "events",
            [Self.event("e-1", country: "de"), ServerFixture.event("e-1")]
        )
        #expect(accepted.status == 200, "\(accepted.text)")
        #expect((accepted.json?["summary"] as? [String: Any])?["accepted"] as? Int == 2)
    }

    @Test(
        "DSR requests naming another region's subject get 421 with its node; an unknown subject's 404 says where else to ask"
    )
    func dataSubjectRequests() async throws {
        let (eu, us) = try Self.pair()
        let id = String(repeating: "ab", count: 16)
        let requests: [(String, String, String?)] = [
            ("GET", "/v1/subjects/lookup?externalId=x-1&country=US", nil),
            ("GET", "/v1/subjects/\(id)?region=us", nil),
            ("POST", "/v1/subjects/\(id)/export?country=US", nil),
            ("DELETE", "/v1/subjects/\(id)?region=us", nil),
            ("PATCH", "/v1/subjects/\(id)?region=us", #"{"set":{"name":"X"}}"#),
            (
                "POST", "/v1/subjects/\(id)/consents?country=us",
                #"{"purpose":"analytics","state":"withdrawn","source":"t"}"#
            ),
            ("POST", "/v1/dsr", #"{"right":"access","region":"us","externalRef":"T-1"}"#),
        ]
        for (method, path, body) in requests {
            let reply = try await Self.send(eu, method, path, token: "dpo", body: body)
            #expect(reply.status == 421 && reply.code == "misdirected_request", "\(method) \(path): \(reply.text)")
            #expect(Self.targets(reply)["us"]?.0 == us.url, "\(method) \(path)")
        }
        let unknownNode = try await Self.send(us, "POST", "/v1/subjects/\(id)/export?region=eu", token: "dpo")
        #expect(unknownNode.status == 421 && Self.targets(unknownNode)["eu"]?.0 == nil)
        #expect((unknownNode.json?["message"] as? String)?.contains("--node eu=URL") == true)

        let notHere = try await Self.send(eu, "POST", "/v1/subjects/\(id)/export", token: "dpo")
        #expect(notHere.status == 404 && notHere.code == "subject_not_found")
        #expect((notHere.json?["message"] as? String)?.contains("holds only eu") == true)
        let badHint = try await Self.send(eu, "GET", "/v1/subjects/\(id)?country=ZZ", token: "dpo")
        #expect(badHint.status == 400)

        let audited = try eu.vault.auditEntries(in: 0..<eu.vault.auditTreeSize)
            .filter { $0.action == AuditAction.requestMisdirected.rawValue }
        #expect(audited.count == requests.count && audited.allSatisfy { $0.regions == ["us"] })
    }

    @Test("an analyst query on a node reads only its own regions and says which in Cordon-Regions-Read")
    func queriesReadOwnRegions() async throws {
        let (eu, _) = try Self.pair()
        let reply = try await Self.send(
            eu,
            "POST",
            "/v1/query",
            token: "analyst",
            body: #"{"sql":"SELECT channel, COUNT(*) FROM events GROUP BY channel","purpose":"analytics"}"#
        )
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.header("Cordon-Regions-Read") == "eu")
        let spent = (reply.json?["privacy"] as? [String: Any])?["epsilonSpent"] as? [String: String]
        #expect(spent.map { Array($0.keys) } == ["eu"])
    }

    @Test("a node narrowed to eu of the eu and uk it holds refuses uk with 421 and queries only eu")
    func narrowedNode() async throws {
        let node = try RegionNode(regions: ["eu", "uk"], served: ["eu"])
        let batch = try await Self.ingest(node, "subjects", [ServerFixture.subject("n-1", country: "GB")])
        #expect(batch.status == 421 && Self.targets(batch)["uk"]?.1 == [1], "\(batch.text)")
        let directory = try await Self.send(node, "GET", "/v1/regions", token: "dpo")
        #expect(directory.json?["servedRegions"] as? [String] == ["eu"])
        let dsr = try await Self.send(
            node,
            "POST",
            "/v1/dsr",
            token: "dpo",
            body: #"{"right":"access","region":"uk","externalRef":"T-2"}"#
        )
        #expect(dsr.status == 421)
        let query = try await Self.send(
            node,
            "POST",
            "/v1/query",
            token: "analyst",
            body: #"{"sql":"SELECT channel, COUNT(*) FROM events GROUP BY channel","purpose":"analytics"}"#
        )
        #expect(query.status == 200 && query.header("Cordon-Regions-Read") == "eu", "\(query.text)")
    }
}
