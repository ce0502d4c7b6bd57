/// What an ingest run did: printed as JSON on stdout by `cordon ingest`.
public struct IngestSummary: Sendable, Codable, Equatable {
    /// `subjects` or `events`.
    public var kind: String
    /// Non-blank lines read (each one accepted or rejected).
    public var lines = 0
    /// Blank lines skipped (they are not records; over HTTP they count toward the
    /// lines-per-batch limit like any other line).
    public var blankLines = 0
    public var accepted = 0
    public var rejected = 0
    /// Rejected lines by reason code.
    public var rejectedByReason: [String: Int] = [:]
    /// Accepted lines by region.
    public var acceptedByRegion: [String: Int] = [:]
    /// Subjects created and updated (subject ingest only).
    public var created = 0
    public var updated = 0
    /// Sequence numbers of the audit entries recording this run's writes (first and last).
    public var auditEntries: [UInt64] = []
    /// When every line was refused and the input looks like a known mistake (CSV, a JSON
    /// array, the other kind of line): what it looks like, and a sentence saying so.
    public var looksLike: InputShape?
    public var hint: String?

    /// Whether there were lines and none of them was accepted.
    public var refusedEverything: Bool { lines > 0 && accepted == 0 }
    /// Regions that could not take or check lines in this run, with their error code
    /// (`store_corrupt`, `storage_full`, ...); their lines were refused as
    /// `region_unavailable`. Absent when every region served.
    public var unavailableRegions: [String: String]?

    public init(kind: String) {
        self.kind = kind
    }

    mutating func reject(_ rejection: LineRejection) {
        rejected += 1
        rejectedByReason[rejection.reason.rawValue, default: 0] += 1
    }

    /// Names the input's shape when every line was refused and `sample` (its first
    /// non-blank lines) looks like a known mistake.
    mutating func diagnose(_ sample: [[UInt8]]) {
        guard refusedEverything, let shape = InputShape.guess(sample, kind: kind) else { return }
        looksLike = shape
        hint = shape.hint
    }

    mutating func noteUnavailable(_ region: RegionID, _ failure: VaultError) {
        unavailableRegions = (unavailableRegions ?? [:]).merging([region.rawValue: failure.code.name]) { first, _ in
            first
        }
    }

    /// Widens ``auditEntries`` to cover `sequence`: a server's request writes its regions side
    /// by side, so their entries are not noted in sequence order.
    mutating func noteAudit(_ sequence: UInt64) {
        guard let first = auditEntries.first, let last = auditEntries.last else {
            auditEntries = [sequence]
            return
        }
        let (low, high) = (min(first, sequence), max(last, sequence))
        auditEntries = low == high ? [low] : [low, high]
    }
}

extension IngestSummary {
    /// When no line was stored and lines were refused because regions could not serve: the
    /// failure of the first such region, with every one named, for a caller that answers a
    /// whole batch with one status (HTTP: 503, or 507 for a full volume). `nil` when
    /// anything was accepted.
    public var unavailability: VaultError? {
        guard accepted == 0, rejectedByReason[RejectReason.regionUnavailable.rawValue, default: 0] > 0,
            let unavailable = unavailableRegions, let first = unavailable.keys.min()
        else { return nil }
        let code = VaultError.storageCodes.first { $0.name == unavailable[first] } ?? .storageUnavailable
        let named = unavailable.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }
        return VaultError(
            code,
            "no line was stored: region \(named.joined(separator: ", ")) cannot serve now; send the batch again once it is back in service",
            regions: unavailable.keys.sorted().map(RegionID.init(rawValue:))
        )
    }
}

/// Knobs of an ingest run.
public struct IngestOptions: Sendable {
    /// Lines per transaction (and per audit entry per region).
    public var batchSize = 1000
    /// Longer lines are refused as `line_too_long`.
    public var maximumLineBytes = 64 * 1024
    /// "Now" for consent expiry, age and plausible times (Unix seconds); the clock when nil.
    public var now: Int64?
    /// Seconds an event's `ts` or a consent's `recordedAt` may lie after now; later ones,
    /// and any before 1970, are refused as `invalid_field` (``PlausibleTimes``).
    public var maximumClockSkew = PlausibleTimes.defaultMaximumSkew
    /// The regions lines may be written to; a line whose subject lives elsewhere is refused
    /// as `region_not_permitted`. `nil` permits every region (the local CLI).
    public var permittedRegions: Set<RegionID>?
    /// Makes the run idempotent under this key (HTTP `Idempotency-Key`): every region's
    /// lines are written in one transaction per region at the end of the input (so the
    /// input must be bounded, as an HTTP body is), each recording the key, and a region
    /// that already committed under the key is not written again (decision 0010).
    public var idempotency: IngestIdempotency?
    /// Lets this run's region transactions take in other concurrent runs' events of the same
    /// principal (``IngestCoalescer``, decision 0018): the server sets it for `POST /v1/events`,
    /// whose small bodies would otherwise each pay a COMMIT per region. Ignored with an
    /// idempotency key.
    public var coalesce = false

    public init() {}
}
