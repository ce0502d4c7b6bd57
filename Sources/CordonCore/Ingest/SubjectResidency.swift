import CordonCrypto
import CordonStore

/// Which regions already store the subjects of one chunk of subject lines: one read per
/// region per chunk, with every line's blind index bound as a parameter, instead of one
/// read per region per line (decision 0021).
///
/// The answers are the stores' state when the chunk starts. Subjects that the run writes
/// while the chunk is processed are added with ``noteStored(_:in:)``, so an answer stays
/// exact for every later line of the chunk; lines not yet written are the caller's
/// in-flight map, as before.
struct SubjectResidency {
    /// Per region: the normalized externalIds of the chunk it holds, or why it could not say.
    private var answers: [RegionID: Result<Set<String>, VaultError>]
    /// normalized externalId → region, for subjects written since the chunk was looked up.
    private var stored: [String: RegionID] = [:]

    /// Blind indexes bound per statement: well under SQLite's limit of host parameters.
    static let parametersPerStatement = 500

    /// Looks every normalized externalId up in every region of `vault`.
    init(normalizedExternalIDs: Set<String>, vault: Vault) throws {
        answers = [:]
        guard !normalizedExternalIDs.isEmpty else { return }
        let identifiers = Array(normalizedExternalIDs)
        for region in vault.regionIDs {
            answers[region] = try vault.forRegion(region) { store in
                try store.heldExternalIDs(among: identifiers)
            }
        }
    }

    /// Records that `region` now stores the subject with this normalized externalId.
    mutating func noteStored(_ normalizedExternalID: String, in region: RegionID) {
        stored[normalizedExternalID] = region
    }

    /// Whether `region` holds the subject, or the region's failure.
    func holds(_ normalizedExternalID: String, in region: RegionID) -> Result<Bool, VaultError> {
        if stored[normalizedExternalID] == region { return .success(true) }
        guard let answer = answers[region] else { return .success(false) }
        return answer.map { $0.contains(normalizedExternalID) }
    }

    /// The region other than the line's own that already stores the line's subject, or
    /// `nil`. Every other region must answer for a new subject; when one cannot, only a
    /// subject the line's own region already holds (an update) may go on, and any other
    /// line is refused as `region_unavailable` (the region is then noted in `summary`).
    func regionHolding(
        _ record: SubjectLine,
        regions: [RegionID],
        summary: inout IngestSummary
    ) throws(LineRejection)
        -> RegionID?
    {
        let identifier = record.normalizedExternalID
        var failures: [RegionID: VaultError] = [:]
        for region in regions where region != record.region {
            switch holds(identifier, in: region) {
            case .success(true): return region
            case .success(false): continue
            case .failure(let failure): failures[region] = failure
            }
        }
        guard let unavailable = failures.keys.min() else { return nil }
        switch holds(identifier, in: record.region) {
        case .success(true):
            // An update: ingest keeps an externalId in one region, and that region answered.
            return nil
        case .success(false):
            for (region, failure) in failures { summary.noteUnavailable(region, failure) }
            throw LineRejection.regionUnavailable(
                unavailable,
                failures[unavailable]!,
                field: "externalId",
                needs: "must be able to say it does not hold this new subject already"
            )
        case .failure(let failure):
            summary.noteUnavailable(record.region, failure)
            throw LineRejection.regionUnavailable(
                record.region,
                failure,
                field: "country",
                needs: "is this subject's region"
            )
        }
    }
}

extension RegionStore {
    /// The normalized externalIds among `identifiers` that this region stores, in one read
    /// transaction; each identifier's blind index under this region's key is a bound
    /// parameter of an `IN` list.
    func heldExternalIDs(among identifiers: [String]) throws -> Set<String> {
        var byIndex: [[UInt8]: String] = [:]
        byIndex.reserveCapacity(identifiers.count)
        for identifier in identifiers { byIndex[externalIndex(normalized: identifier)] = identifier }
        let indexes = Array(byIndex.keys)
        return try readForWrite { db in
            var held = Set<String>()
            var start = 0
            while start < indexes.count {
                let end = min(start + SubjectResidency.parametersPerStatement, indexes.count)
                let values: [any DatabaseValueConvertible] = Array(indexes[start..<end])
                for row in try db.query(
                    "SELECT external_index FROM subjects WHERE external_index IN (\(values: values))"
                ) {
                    if let identifier = byIndex[try row.get([UInt8].self, at: 0)] { held.insert(identifier) }
                }
                start = end
            }
            return held
        }
    }
}
