import CordonCrypto

/// RFC 9162 §2.1.1 hashing with SHA-256: the domain-separated leaf and node hashes.
public enum MerkleHasher {
    /// The size of every hash in the tree.
    public static let hashByteCount = SHA256.byteCount

    /// The root of the empty tree: `SHA-256("")`.
    public static let emptyRoot: [UInt8] = SHA256.hash([])

    /// `SHA-256(0x00 ‖ leaf)`.
    public static func leafHash(_ leaf: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(byte: 0x00)
        hasher.update(leaf)
        return hasher.finalize()
    }

    /// `SHA-256(0x01 ‖ left ‖ right)`.
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(byte: 0x01)
        hasher.update(left)
        hasher.update(right)
        return hasher.finalize()
    }
}
