import Foundation

/// A consistency proof in the JSON form of audit/FORMAT.md §6:
/// `{"oldSize":..,"newSize":..,"proof":["<base64>",...],"oldCheckpoint":"...","newCheckpoint":"..."}`.
public struct AuditConsistencyProof: Sendable, Hashable, Codable {
    /// The older tree size.
    public let oldSize: UInt64
    /// The newer tree size.
    public let newSize: UInt64
    /// The RFC 9162 consistency path.
    public let proof: [[UInt8]]
    /// The signed checkpoint at `oldSize`, when one was stored.
    public let oldCheckpoint: String?
    /// The signed checkpoint at `newSize`, when one was stored.
    public let newCheckpoint: String?

    /// A proof; ``AuditLog/consistencyProof(from:to:)`` makes them.
    public init(oldSize: UInt64, newSize: UInt64, proof: [[UInt8]], oldCheckpoint: String?, newCheckpoint: String?) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.proof = proof
        self.oldCheckpoint = oldCheckpoint
        self.newCheckpoint = newCheckpoint
    }

    /// Verifies the proof between the two roots (RFC 9162 §2.1.4.2).
    public func verify(oldRoot: [UInt8], newRoot: [UInt8]) throws(AuditError) {
        try MerkleProof.verifyConsistency(
            oldSize: oldSize,
            newSize: newSize,
            proof: proof,
            oldRoot: oldRoot,
            newRoot: newRoot
        )
    }

    enum CodingKeys: String, CodingKey { case oldSize, newSize, proof, oldCheckpoint, newCheckpoint }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        oldSize = try c.decode(UInt64.self, forKey: .oldSize)
        newSize = try c.decode(UInt64.self, forKey: .newSize)
        proof = try c.decode([String].self, forKey: .proof).map { try Base64Hash.decode($0, at: c.codingPath) }
        oldCheckpoint = try c.decodeIfPresent(String.self, forKey: .oldCheckpoint)
        newCheckpoint = try c.decodeIfPresent(String.self, forKey: .newCheckpoint)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(oldSize, forKey: .oldSize)
        try c.encode(newSize, forKey: .newSize)
        try c.encode(proof.map { Data($0).base64EncodedString() }, forKey: .proof)
        try c.encodeIfPresent(oldCheckpoint, forKey: .oldCheckpoint)
        try c.encodeIfPresent(newCheckpoint, forKey: .newCheckpoint)
    }
}
