import CordonAudit
import CordonCrypto
import Foundation
import Testing

/// The worked example of audit/FORMAT.md §5, computed independently with Python and openssl.
@Suite("audit/FORMAT.md worked example")
struct AuditFormatExampleTests {
    static let origin = "cordon.example/audit"

    static let entries = [
        AuditEntry(
            sequence: 0,
            time: AuditTimestamp(rfc3339: "2025-01-31T09:05:03.042Z")!,
            event: AuditEvent(
                actor: "tok_3f9a",
                role: "dpo",
                action: "subject.export",
                regions: ["eu"],
                purpose: "dsr_access",
                subjects: ["ps_5b0e1f"],
                outcome: .ok,
                policyVersions: ["eu": "gdpr-2025.1"],
                requestId: "req_81c2",
                details: ["rows": 3, "store.eu.commit": 42]
            )
        ),
        AuditEntry(
            sequence: 1,
            time: AuditTimestamp(rfc3339: "2025-01-31T09:05:04.100Z")!,
            event: AuditEvent(
                actor: "tok_77aa",
                role: "analyst",
                action: "query.run",
                regions: ["eu"],
                purpose: "analytics",
                outcome: .ok,
                policyVersions: ["eu": "gdpr-2025.1"],
                requestId: "req_81c3",
                query: "SELECT country, COUNT(DISTINCT subject) FROM events GROUP BY country",
                privacyCost: PrivacyCost(microEpsilon: 250_000),
                details: ["groups.suppressed": 2]
            )
        ),
    ]

    @Test func swiftReproducesTheDocumentedBytes() throws {
        let format = try String(contentsOf: TestSupport.packageRoot.appending(path: "audit/FORMAT.md"), encoding: .utf8)
        for entry in Self.entries {
            #expect(format.contains(String(decoding: entry.canonicalBytes(), as: UTF8.self) + "\n"))
        }
        #expect(
            Hex.encode(Self.entries[0].leafHash) == "81204fe2ff64d92bf93538354576ec5bde0bdf364e02172b2725160114e560d9"
        )
        #expect(
            Hex.encode(Self.entries[1].leafHash) == "51db9618a7f5e50f1c832d1f0401ff137bd748f1f68ed5e967b0df7b424997ad"
        )
        var tree = MerkleTree()
        for entry in Self.entries { tree.append(leafHash: entry.leafHash) }
        #expect(Hex.encode(tree.rootHash) == "632ce4889654138db3099eb65ce42427e7f3c05ba4204cfa4a5329ff35b45402")
        let checkpoint = try Checkpoint.signed(
            origin: Self.origin,
            treeSize: 2,
            rootHash: tree.rootHash,
            signingKey: TestSupport.signingKey,
            keyName: Self.origin
        )
        #expect(format.contains("```\n" + checkpoint.text + "```"))
        let key = try NoteVerifierKey(name: Self.origin, publicKey: TestSupport.signingKey.publicKey)
        #expect(key.description == "cordon.example/audit+3de8f762+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs")
    }
}
