import CordonAudit
import CordonStore
import Foundation
import Synchronization

/// The exact answer given to an idempotent ingest batch, returned again for a retry.
public struct RecordedIngestResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

extension Vault {
    /// The answer recorded for this key, to be returned again byte for byte without writing;
    /// `nil` when the key has no final answer yet (a new batch, or one stopped halfway).
    /// Throws `idempotency_key_reused` when the key names another request.
    public func recordedIngestResponse(
        for idempotency: IngestIdempotency,
        context: AccessContext
    ) throws -> RecordedIngestResponse? {
        let row = try control.read("read an idempotency key") { db in
            try db.query(
                "SELECT owner, request_digest, status, body FROM ingest_responses WHERE key = \(idempotency.key)"
            ).first.map { row in
                (
                    owner: try row.get(String.self, at: 0), digest: try row.get([UInt8].self, at: 1),
                    status: try row.get(Int.self, at: 2), body: try row.get([UInt8].self, at: 3)
                )
            }
        }
        guard let row else { return nil }
        guard row.owner == context.actor, row.digest == idempotency.requestDigest else {
            throw VaultError.reusedIdempotencyKey
        }
        return RecordedIngestResponse(status: row.status, body: row.body)
    }

    /// Records the final answer of a keyed batch in `control.db` (an audited, anchored
    /// write, `ingest.response`), so a retry gets it back. A key already recorded (a retry
    /// that raced the first attempt) is left as it is.
    public func recordIngestResponse(
        _ response: RecordedIngestResponse,
        for idempotency: IngestIdempotency,
        context: AccessContext
    ) throws {
        try write(
            .control,
            context: context,
            { db -> Int in
                try db.execute(
                    """
                    INSERT INTO ingest_responses(key, owner, request_digest, status, body, recorded_at)
                    VALUES (\(idempotency.key), \(context.actor), \(idempotency.requestDigest), \(response.status),
                            \(response.body), \(Int64(Date().timeIntervalSince1970)))
                    ON CONFLICT(key) DO NOTHING
                    """
                )
                return db.changes
            },
            entry: { inserted in
                guard inserted > 0 else { return nil }
                return AuditRecord(
                    action: .ingestResponse,
                    details: [
                        "idempotencyKey": .string(idempotency.auditDigest), "status": .integer(Int64(response.status)),
                    ]
                )
            }
        )
    }

    /// Runs `body` while no other request holds the same key in this process (one process
    /// serves a data directory): two concurrent attempts of one batch would otherwise both
    /// find no answer recorded. Throws `idempotency_key_in_use` when the key is held.
    public func withIngestKey<T>(_ idempotency: IngestIdempotency, _ body: () throws -> T) throws -> T {
        // Keyed by directory and key: tests run several vaults in one process.
        let claim = dataDirectory.path + "\u{0}" + idempotency.key
        guard IngestKeysInFlight.claims.withLock({ $0.insert(claim).inserted }) else {
            throw VaultError(
                .idempotencyKeyInUse,
                "a request with this Idempotency-Key is still being answered; retry once it is"
            )
        }
        defer { _ = IngestKeysInFlight.claims.withLock { $0.remove(claim) } }
        return try body()
    }

    /// Deletes idempotency keys recorded before `cutoff` (Unix seconds) from every region
    /// that can serve and their answers from `control.db`, each in its own audited write
    /// (`ingest.keys.expire`, only when something expired). Returns how many were deleted.
    func expireIngestKeys(before cutoff: Int64, context: AccessContext) throws -> Int {
        var expired = 0
        for region in regionIDs {
            let deleted = try forRegion(region) { _ in
                try write(
                    .region(region),
                    context: context,
                    { db -> Int in
                        try db.execute("DELETE FROM ingest_keys WHERE recorded_at < \(cutoff)")
                        return db.changes
                    },
                    entry: { deleted in
                        deleted == 0
                            ? nil
                            : AuditRecord(
                                action: .ingestKeysExpire,
                                regions: [region],
                                details: ["deleted": .integer(Int64(deleted))]
                            )
                    }
                ).value
            }
            if case .success(let count) = deleted { expired += count }
        }
        expired += try write(
            .control,
            context: context,
            { db -> Int in
                try db.execute("DELETE FROM ingest_responses WHERE recorded_at < \(cutoff)")
                return db.changes
            },
            entry: { deleted in
                deleted == 0
                    ? nil : AuditRecord(action: .ingestKeysExpire, details: ["deleted": .integer(Int64(deleted))])
            }
        ).value
        return expired
    }
}

/// The idempotency keys being answered right now, process-wide.
private enum IngestKeysInFlight {
    static let claims = Mutex<Set<String>>([])
}
