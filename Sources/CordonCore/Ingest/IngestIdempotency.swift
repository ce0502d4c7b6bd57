import CordonCrypto

/// An `Idempotency-Key` sent with an ingest batch, bound to the exact request it was first
/// used for: a retry of the batch with the same key writes nothing twice and gets the
/// first answer back (decision 0010).
///
/// ```swift
/// let key = try IngestIdempotency(key: "batch-2026-12-04-0001", kind: "events", body: body)
/// var options = IngestOptions()
/// options.idempotency = key
/// ```
public struct IngestIdempotency: Sendable {
    /// The client's key: 1–255 printable ASCII characters (0x20–0x7E).
    public let key: String
    /// SHA-256 of the endpoint kind and the body, so the same key with another body or for
    /// another endpoint is told apart from a retry.
    let requestDigest: [UInt8]

    /// How long keys and recorded answers are kept at least; the retention sweep
    /// (`cordon retention run`, hourly in `cordon serve`) deletes older ones.
    public static let keptSeconds: Int64 = 86_400

    /// A key for a request of `kind` (`subjects`, `events`) with `body`; throws
    /// `invalid_request` for a key that is empty, longer than 255 characters or not
    /// printable ASCII.
    public init(key: String, kind: String, body: [UInt8]) throws {
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw VaultError(.invalidRequest, "an Idempotency-Key is 1-255 printable ASCII characters")
        }
        self.key = key
        var hasher = SHA256()
        hasher.update(Array(kind.utf8))
        hasher.update(byte: 0)
        hasher.update(body)
        self.requestDigest = hasher.finalize()
    }

    /// A short digest of the key for audit entries: it correlates a retry with its first
    /// attempt without copying the client's text into the trail.
    var auditDigest: String { Hex.encode(SHA256.hash(Array(key.utf8)).prefix(8)) }
}
