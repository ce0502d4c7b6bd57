import CordonAudit
import CordonCore
import CordonServer
import CordonTestSupport
import Foundation
import Testing

/// The DPO's views across regions on a coordinator (decision 0027): every trail's
/// checkpoint, and a search by action and time over every node — while access history by
/// subject or actor stays on each region's node.
@Suite("Coordinator: checkpoints and audit searches across nodes; access history stays per region")
struct CoordinatorAuditTests {
    /// An eu and a us node without people, and a coordinator over them.
    static func nodes(timeout: Double = 3) throws -> (eu: RegionNode, us: RegionNode, coordinator: CoordinatorFixture) {
        let us = try RegionNode(regions: ["us"])
        let eu = try RegionNode(regions: ["eu"], peers: ["us": us.url])
        return (eu, us, try CoordinatorFixture(eu: eu, us: us, timeoutSeconds: timeout))
    }

    /// Throws unless `text` is a checkpoint signed by the verifier key `key` publishes.
    static func verify(_ text: String, key: String) throws {
        let verifier = try NoteVerifierKey(parsing: key)
        try Checkpoint.parse(text).verify(publicKey: verifier.publicKey, keyName: verifier.name)
    }

    /// The coordinator's own entries of `action`.
    static func ownEntries(_ coordinator: CoordinatorFixture, _ action: AuditAction) throws -> [AuditEntry] {
        let vault = try #require(coordinator.api.slot.session?.vault)
        return try vault.auditEntries(in: 0..<vault.auditTreeSize).filter { $0.action == action.rawValue }
    }

    @Test(
        "every node's checkpoint and the coordinator's own, each verifying under the key its server publishes",
        arguments: ["dpo", "admin"]
    )
    func checkpoints(role: String) async throws {
        let (eu, us, coordinator) = try Self.nodes()
        let reply = try await coordinator.send("GET", "/v1/federation/checkpoints", token: coordinator.tokens[role])
        #expect(reply.status == 200, "\(reply.text)")
        try OpenAPIContractTests.conforms(reply, method: "GET", template: "/v1/federation/checkpoints")
        let own = try #require((reply.json?["coordinator"] as? [String: Any])?["checkpoint"] as? String)
        let ownKey = try await coordinator.send("GET", "/v1/audit/pubkey", token: coordinator.tokens["dpo"])
        try Self.verify(own, key: ownKey.text)
        let nodes = try #require(reply.json?["nodes"] as? [[String: Any]])
        #expect(nodes.compactMap { $0["url"] as? String } == [eu.url, us.url].sorted())
        for node in [eu, us] {
            let listed = try #require(nodes.first { $0["url"] as? String == node.url })
            let text = try #require(listed["checkpoint"] as? String, "\(listed)")
            #expect(listed["error"] == nil)
            let key = try await RegionNodeTests.send(node, "GET", "/v1/audit/pubkey", token: "dpo")
            try Self.verify(text, key: key.text)
            // The eu node is named for br, cn and uk too; us only for us.
            #expect((listed["regions"] as? [String])?.contains(node === us ? "us" : "eu") == true)
        }
        let relays = try Self.ownEntries(coordinator, .auditRelay)
        #expect(relays.count == 1 && relays[0].details["view"] == .string("checkpoints") && relays[0].outcome == .ok)
    }

    @Test("a stopped node is listed with its error, never left out, while the other answers")
    func stoppedNode() async throws {
        let (eu, us, coordinator) = try Self.nodes(timeout: 2)
        us.stop()
        // No wall-clock bound here: under the whole suite the test's own task can wait long for
        // a thread; the node timeout itself is checked by FederatedTopologyTests.
        let reply = try await coordinator.send("GET", "/v1/federation/checkpoints", token: coordinator.tokens["dpo"])
        #expect(reply.status == 200, "\(reply.text)")
        let nodes = try #require(reply.json?["nodes"] as? [[String: Any]])
        let stopped = try #require(nodes.first { $0["url"] as? String == us.url })
        #expect(stopped["checkpoint"] == nil && !((stopped["error"] as? String) ?? "").isEmpty, "\(stopped)")
        #expect(nodes.first { $0["url"] as? String == eu.url }?["checkpoint"] is String)
        let search = try await coordinator.send(
            "GET",
            "/v1/federation/audit/entries?action=http.request",
            token: coordinator.tokens["dpo"]
        )
        #expect(search.status == 200, "\(search.text)")
        let unavailable = try #require(search.json?["nodesUnavailable"] as? [[String: Any]])
        #expect(unavailable.map { $0["url"] as? String } == [us.url])
        #expect(unavailable.first?["regions"] as? [String] == ["us"] && unavailable.first?["error"] is String)
        let relays = try Self.ownEntries(coordinator, .auditRelay)
        #expect(relays.allSatisfy { $0.details["nodesUnavailable"] == .string(us.url) }, "\(relays)")
    }

    @Test("a search by action merges both nodes' entries by time, tagged with their node, without a person in them")
    func mergedEntries() async throws {
        let (eu, us, coordinator) = try await CoordinatorTests.topology()
        let reply = try await coordinator.send(
            "GET",
            "/v1/federation/audit/entries?action=ingest.subjects&since=2000-01-01T00:00:00Z",
            token: coordinator.tokens["dpo"]
        )
        #expect(reply.status == 200, "\(reply.text)")
        try OpenAPIContractTests.conforms(reply, method: "GET", template: "/v1/federation/audit/entries")
        let entries = try #require(reply.json?["entries"] as? [[String: Any]])
        #expect(Set(entries.compactMap { $0["node"] as? String }) == [eu.url, us.url])
        #expect(entries.allSatisfy { $0["action"] as? String == "ingest.subjects" })
        #expect(entries.allSatisfy { ($0["subjectCount"] as? Int ?? 0) > 0 && $0["nodeRegions"] is [String] })
        let times = entries.compactMap { $0["time"] as? String }
        #expect(times.count == entries.count && times == times.sorted())
        #expect((reply.json?["nodesUnavailable"] as? [Any])?.isEmpty == true)
        for field in ["subjects", "actor", "actorName", "query"] {
            #expect(entries.allSatisfy { $0[field] == nil }, "\(field) relayed")
        }
        // Neither a pseudonym nor a token id of the nodes' own entries crosses.
        for node in [eu, us] {
            let own = try await RegionNodeTests.send(
                node,
                "GET",
                "/v1/audit/entries?action=ingest.subjects",
                token: "dpo"
            )
            let full = try #require(own.json?["entries"] as? [[String: Any]])
            let pseudonyms = full.flatMap { $0["subjects"] as? [String] ?? [] }
            #expect(!pseudonyms.isEmpty)
            for secret in pseudonyms + full.compactMap({ $0["actor"] as? String }) {
                #expect(!reply.text.contains(secret), "\(secret) relayed")
            }
        }
        let one = try await coordinator.send(
            "GET",
            "/v1/federation/audit/entries?action=ingest.subjects&limit=1",
            token: coordinator.tokens["dpo"]
        )
        #expect((one.json?["entries"] as? [Any])?.count == 1 && one.json?["truncated"] as? Bool == true)
    }

    @Test(
        "a search by subject or actor is refused with 400 saying access history stays per region",
        arguments: [
            "subject=p-0011223344556677", "actor=tok_0000000000000000",
            "action=x&subject=00000000000000000000000000000000",
        ]
    )
    func personalFilters(_ arguments: String) async throws {
        let (eu, us, coordinator) = try Self.nodes()
        defer { withExtendedLifetime((eu, us)) {} }
        let reply = try await coordinator.send(
            "GET",
            "/v1/federation/audit/entries?\(arguments)",
            token: coordinator.tokens["dpo"]
        )
        #expect(reply.status == 400 && reply.code == "invalid_request", "\(reply.text)")
        #expect((reply.json?["message"] as? String)?.contains("stays per region") == true, "\(reply.text)")
        #expect(try Self.ownEntries(coordinator, .auditRelay).isEmpty, "nothing was asked of the nodes")
    }

    @Test(
        "the coordinator's own analyst (and its admin, for entries) is refused with 403",
        arguments: [
            ("analyst", "/v1/federation/checkpoints"), ("analyst", "/v1/federation/audit/entries"),
            ("admin", "/v1/federation/audit/entries"),
        ]
    )
    func refusedRoles(_ role: String, _ path: String) async throws {
        let (eu, us, coordinator) = try Self.nodes()
        defer { withExtendedLifetime((eu, us)) {} }
        let reply = try await coordinator.send("GET", path, token: coordinator.tokens[role])
        #expect(reply.status == 403 && reply.code == "forbidden", "\(reply.text)")
    }

    @Test(
        "on a node the relayed search is the coordinator token's alone, and that token cannot read the full trail",
        arguments: [
            ("analyst", "/v1/audit/entries/relay", 403), ("ingest", "/v1/audit/entries/relay", 403),
            ("dpo", "/v1/audit/entries/relay", 403), ("coordinator", "/v1/audit/entries", 403),
            ("coordinator", "/v1/audit/entries/relay?subject=p-0011223344556677", 400),
            ("coordinator", "/v1/audit/entries/relay?region=us", 400),
            ("coordinator", "/v1/audit/entries/relay?limit=5", 200),
            ("dpo", "/v1/federation/checkpoints", 404),
        ]
    )
    func nodeSide(_ token: String, _ path: String, _ status: Int) async throws {
        let us = try RegionNode(regions: ["us"])
        let reply = try await RegionNodeTests.send(us, "GET", path, token: token)
        #expect(reply.status == status, "\(token) \(path): \(reply.text)")
        if status == 403 { #expect(reply.code == "forbidden") }
        if status == 404 { #expect(reply.code == "not_a_coordinator") }
        if status == 200 {
            try OpenAPIContractTests.conforms(reply, method: "GET", template: "/v1/audit/entries/relay")
            let entries = try #require(reply.json?["entries"] as? [[String: Any]])
            #expect(!entries.isEmpty && entries.allSatisfy { $0["actor"] == nil && $0["subjects"] == nil })
        }
    }

    @Test(
        "the coordinator's own DPO reads its own trail's relay entries (a coordinator holds no region, the token's scope decides)"
    )
    func ownTrail() async throws {
        let (eu, us, coordinator) = try await CoordinatorTests.topology()
        defer { withExtendedLifetime((eu, us)) {} }
        let query = try await coordinator.send(
            "POST",
            "/v1/query",
            token: coordinator.analystToken,
            body: CoordinatorTests.query
        )
        #expect(query.status == 200)
        let reply = try await coordinator.send(
            "GET",
            "/v1/audit/entries?action=query.relay",
            token: coordinator.tokens["dpo"]
        )
        #expect((reply.json?["entries"] as? [Any])?.count == 1, "\(reply.text)")
    }
}
