import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

/// An event whose subject was found and whose purpose was lawful.
struct ResolvedEvent: Sendable {
    var line: EventLine
    /// Its 1-based line number in the input.
    var lineNumber: Int
    var region: RegionID
    var sid: Int64
    var subjectID: SubjectID
    var country: CountryCode
}

/// Finds an event's subject across regions by blind index (each region has its own
/// index key) and decides the event's purpose, caching subjects seen recently.
///
/// A region whose store cannot serve does not stop the search: a subject found in another
/// region is resolved (an externalId lives in one region only). A subject found nowhere
/// while some region could not answer is refused as `region_unavailable`, never as
/// `unknown_subject`, since it may be there.
struct SubjectResolver {
    struct Entry {
        var region: RegionID
        var subject: StoredSubject
        var standing: SubjectStanding
    }

    let vault: Vault
    private var cache: [String: Entry?] = [:]
    private static let cacheLimit = 100_000
    /// The regions found unable to serve, with their failures (for the run's summary).
    private(set) var unavailable: [RegionID: VaultError] = [:]

    init(vault: Vault) {
        self.vault = vault
    }

    mutating func resolve(_ event: EventLine, line: Int, now: Int64) throws -> ResolvedEvent {
        let entry: Entry?
        if let cached = cache[event.externalID] {
            entry = cached
        } else {
            entry = try lookup(event.normalizedExternalID)
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[event.externalID] = entry
        }
        guard let entry else {
            throw LineRejection(
                reason: .unknownSubject,
                field: "externalId",
                message:
                    "no subject with this externalId; ingest the subject first (events follow their subject's region)"
            )
        }
        let store: RegionStore
        switch try vault.forRegion(entry.region, { $0 }) {
        case .success(let found): store = found
        case .failure(let failure):
            unavailable[entry.region] = unavailable[entry.region] ?? failure
            throw LineRejection.regionUnavailable(
                entry.region,
                failure,
                field: "externalId",
                needs: "holds this event's subject"
            )
        }
        if case .refused(let reason, let message) = store.evaluator.decide(event.purpose, for: entry.standing, now: now)
        {
            throw LineRejection(reason: reason, field: "purpose", message: message)
        }
        return ResolvedEvent(
            line: event,
            lineNumber: line,
            region: entry.region,
            sid: entry.subject.sid,
            subjectID: entry.subject.id,
            country: entry.subject.country
        )
    }

    /// Looks up, with one read per region, the subjects of `events` not in the cache yet,
    /// and caches what it finds (and, when every region answered, what no region holds).
    /// Each read on a region's writer connection costs more than its query: it toggles
    /// `PRAGMA query_only`, which expires every prepared statement of the connection, so
    /// one lookup per subject meant re-preparing the event INSERT again and again.
    /// A subject that a failing region may hold is left to ``resolve(_:line:now:)``,
    /// which asks again and refuses the line as before.
    mutating func prefetch(_ events: [EventLine]) throws {
        var missing: [String: [String]] = [:]  // normalized externalId → the externalIds that name it
        for event in events where cache[event.externalID] == nil {
            missing[event.normalizedExternalID, default: []].append(event.externalID)
        }
        guard !missing.isEmpty else { return }
        var found: [String: Entry] = [:]
        var everyRegionAnswered = true
        for region in vault.regionIDs {
            let wanted = missing.keys.filter { found[$0] == nil }
            if wanted.isEmpty { break }
            let answer = try vault.forRegion(region) { store -> [String: Entry] in
                try store.readForWrite { db -> [String: Entry] in
                    var entries: [String: Entry] = [:]
                    for identifier in wanted {
                        let index = store.externalIndex(normalized: identifier)
                        guard let subject = try store.subject(externalIndex: index, in: db) else { continue }
                        entries[identifier] = Entry(
                            region: region,
                            subject: subject,
                            standing: try store.standing(of: subject, in: db)
                        )
                    }
                    return entries
                }
            }
            switch answer {
            case .success(let entries): found.merge(entries) { first, _ in first }
            case .failure: everyRegionAnswered = false
            }
        }
        for (identifier, externalIDs) in missing {
            let entry = found[identifier]
            // Not found while a region could not answer: resolve asks again, line by line.
            guard entry != nil || everyRegionAnswered else { continue }
            for externalID in externalIDs {
                if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
                cache[externalID] = .some(entry)
            }
        }
    }

    /// The subject's entry, searching every region until one holds it. `nil` only when
    /// every region answered.
    private mutating func lookup(_ normalizedExternalID: String) throws -> Entry? {
        var failures: [RegionID: VaultError] = [:]
        for region in vault.regionIDs {
            let found = try vault.forRegion(region) { store -> Entry? in
                let index = store.externalIndex(normalized: normalizedExternalID)
                return try store.readForWrite { db -> Entry? in
                    guard let subject = try store.subject(externalIndex: index, in: db) else { return nil }
                    return Entry(region: region, subject: subject, standing: try store.standing(of: subject, in: db))
                }
            }
            switch found {
            case .success(let entry?): return entry
            case .success(nil): continue
            case .failure(let failure): failures[region] = failure
            }
        }
        guard let region = failures.keys.min() else { return nil }
        unavailable.merge(failures) { first, _ in first }
        throw LineRejection.regionUnavailable(
            region,
            failures[region]!,
            field: "externalId",
            needs: "may hold this event's subject"
        )
    }
}
