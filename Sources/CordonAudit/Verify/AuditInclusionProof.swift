import Foundation

/// An inclusion proof as served to auditors, in the JSON form of audit/FORMAT.md §6:
/// `{"index":..,"treeSize":..,"leafHash":"<base64>","proof":["<base64>",...],"checkpoint":"..."}`.
public struct AuditInclusionProof: Sendable, Hashable, Codable {
    /// The leaf index (the entry's sequence number).
    public let index: UInt64
    /// The tree size the proof is for.
    public let treeSize: UInt64
    /// The entry's leaf hash.
    public let leafHash: [UInt8]
    /// The RFC 9162 inclusion path, bottom up.
    public let proof: [[UInt8]]
    /// The signed checkpoint at `treeSize`, when there is one.
    public let checkpoint: String?

    /// A proof; ``AuditLog/inclusionProof(index:treeSize:)`` makes them.
    public init(index: UInt64, treeSize: UInt64, leafHash: [UInt8], proof: [[UInt8]], checkpoint: String?) {
        self.index = index
        self.treeSize = treeSize
        self.leafHash = leafHash
        self.proof = proof
        self.checkpoint = checkpoint
    }

    /// Verifies the proof against `root` (RFC 9162 §2.1.3.2).
    public func verify(root: [UInt8]) throws(AuditError) {
        try MerkleProof.verifyInclusion(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof, root: root)
    }

    enum CodingKeys: String, CodingKey { case index, treeSize, leafHash, proof, checkpoint }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(UInt64.self, forKey: .index)
        treeSize = try c.decode(UInt64.self, forKey: .treeSize)
        leafHash = try Base64Hash.decode(c.decode(String.self, forKey: .leafHash), at: c.codingPath)
        proof = try c.decode([String].self, forKey: .proof).map { try Base64Hash.decode($0, at: c.codingPath) }
        checkpoint = try c.decodeIfPresent(String.self, forKey: .checkpoint)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(treeSize, forKey: .treeSize)
        try c.encode(Data(leafHash).base64EncodedString(), forKey: .leafHash)
        try c.encode(proof.map { Data($0).base64EncodedString() }, forKey: .proof)
        try c.encodeIfPresent(checkpoint, forKey: .checkpoint)
    }
}

/// Base64 hashes in proof JSON.
enum Base64Hash {
    static func decode(_ text: String, at path: [any CodingKey]) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "not base64"))
        }
        return Array(data)
    }
}
