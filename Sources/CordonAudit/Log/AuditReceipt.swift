/// Proof of a durable append: returned only after the entry's bytes are fsynced.
public struct AuditReceipt: Sendable, Hashable, Codable {
    /// The entry's sequence number (its leaf index).
    public let sequence: UInt64
    /// `SHA-256(0x00 ‖ canonical entry bytes)`.
    public let leafHash: [UInt8]
    /// The time the log assigned.
    public let time: AuditTimestamp
}
