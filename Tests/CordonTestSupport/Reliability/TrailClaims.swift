public import CordonAudit

/// What an audit trail claims happened, read the way a DPO would read it: which writes took
/// effect, where each anchored store should be, and what the stores should therefore hold.
///
/// The reliability suite compares these claims with the stores after every injected fault
/// and every crash: an `ok` entry whose effect is missing is a trail that lies, and an effect
/// no entry claims is a change the trail does not show. Both must never happen.
///
/// Rules (audit/FORMAT.md §8, decision 0005):
/// - an `ok` entry stating a store's anchor is a write; it took effect unless an `aborted`
///   entry cancels it (`aborts`), or a `store.recovered` entry resolves it (`resolves`:
///   the process stopped before its COMMIT);
/// - a `store.recovered` entry that resolves an `aborted` entry says the aborted write did
///   reach the disk: it took effect after all;
/// - an `ok` administrative entry (`keys.rotate.*`) is recorded before the rotation and
///   cancelled by the next entry of the same action with `outcome: error`, unless that
///   entry says the change took effect all the same (`effect: applied` or `pending`);
/// - every write to a store advances its commit counter by exactly one from the position
///   the trail last stated for it; an `aborted` entry restates the position before the
///   write it cancels; `store.restore` states whatever the restored copy holds.
public struct TrailClaims: Sendable {
    /// A store's position as the trail states it.
    public struct Anchor: Hashable, Sendable, CustomStringConvertible {
        public var counter: Int64
        public var batch: Int64?

        public init(counter: Int64, batch: Int64?) {
            self.counter = counter
            self.batch = batch
        }

        public var description: String { "commit \(counter) (batch \(batch.map(String.init) ?? "-"))" }

        /// Whether `other` states this position (an entry without a batch states only the counter).
        func admits(_ other: Anchor) -> Bool {
            counter == other.counter && (batch == nil || other.batch == nil || batch == other.batch)
        }
    }

    /// Every entry of the trail, oldest first.
    public let entries: [AuditEntry]
    /// Sequence numbers of the entries whose effect the trail, read to its end, claims.
    public private(set) var effective: Set<UInt64> = []
    /// The newest position the trail states per store (`control`, `eu`, ...).
    public private(set) var anchors: [String: Anchor] = [:]
    /// Where the trail contradicts itself (a write claiming a commit the store never made
    /// without an entry saying so; an `aborted` or `store.recovered` entry that does not fit).
    public private(set) var problems: [String] = []

    /// The newest write to each store that no later entry resolved: committed if the store
    /// is at its anchor, interrupted (what the next open records as `store.recovered`) if the
    /// store is at the position before it.
    public private(set) var newestWrites: [String: (sequence: UInt64, before: Anchor?)] = [:]

    /// Reads `entries` (a whole trail, oldest first). `uncommitted` names newest writes to
    /// read as a `store.recovered` entry would resolve them (a live vault whose trail could
    /// not yet say that a write failed; the next open would).
    public init(_ entries: [AuditEntry], uncommitted: Set<UInt64> = []) {
        self.entries = entries
        var state: [String: Anchor] = [:]
        // Per store, the newest write not yet known to have taken effect or not, with the
        // position before it.
        // (`before` is nil after a restore: the restored copy's position is not in the trail.)
        var pendingWrite: [String: (sequence: UInt64, before: Anchor?)] = [:]
        var bySequence: [UInt64: AuditEntry] = [:]
        var cancelledBy: [UInt64: UInt64] = [:]
        var lastAdministrative: [String: UInt64] = [:]

        for entry in entries {
            bySequence[entry.sequence] = entry
            let stated = Self.anchors(in: entry)
            if stated.isEmpty {
                switch entry.outcome {
                case .ok:
                    effective.insert(entry.sequence)
                    if entry.action.hasPrefix("keys.rotate.") { lastAdministrative[entry.action] = entry.sequence }
                case .error where entry.action.hasPrefix("keys.rotate."):
                    guard let claimed = lastAdministrative.removeValue(forKey: entry.action) else { break }
                    if case .string(let effect)? = entry.details["effect"], effect != "none" { break }
                    effective.remove(claimed)
                default: break
                }
                continue
            }
            for (store, anchor) in stated.sorted(by: { $0.key < $1.key }) {
                let before = state[store] ?? Anchor(counter: 0, batch: 0)
                let name = "entry \(entry.sequence) (\(entry.action), \(entry.outcome))"
                switch (entry.action, entry.outcome) {
                case ("store.recovered", _):
                    guard case .integer(let resolved)? = entry.details["resolves"],
                        let target = bySequence[UInt64(resolved)]
                    else {
                        problems.append("\(name) resolves no entry of the trail")
                        continue
                    }
                    if target.outcome == .aborted {
                        // The aborted COMMIT reached the disk: the write it cancelled happened.
                        guard case .integer(let aborted)? = target.details["aborts"],
                            case .integer(let batch)? = target.details["abortedBatch"],
                            anchor == Anchor(counter: before.counter + 1, batch: batch)
                        else {
                            problems.append(
                                "\(name) says the write aborted at entry \(resolved) committed, but states \(anchor), not the next commit with its batch"
                            )
                            continue
                        }
                        effective.insert(UInt64(aborted))
                        cancelledBy[UInt64(aborted)] = nil
                    } else if let pending = pendingWrite[store], pending.sequence == UInt64(resolved) {
                        if let previous = pending.before, !previous.admits(anchor) {
                            problems.append(
                                "\(name) says entry \(resolved) did not commit, but states \(anchor), not \(previous), the position before it"
                            )
                            continue
                        }
                        effective.remove(pending.sequence)
                        cancelledBy[pending.sequence] = entry.sequence
                    } else {
                        problems.append(
                            "\(name) resolves entry \(resolved), which is not the newest write to \(store)"
                        )
                        continue
                    }
                    pendingWrite[store] = nil
                    state[store] = anchor
                case (_, .aborted):
                    guard case .integer(let aborted)? = entry.details["aborts"],
                        let pending = pendingWrite[store], pending.sequence == UInt64(aborted)
                    else {
                        problems.append("\(name) aborts an entry that is not the newest write to \(store)")
                        continue
                    }
                    if let previous = pending.before, !previous.admits(anchor) {
                        problems.append("\(name) states \(anchor), but the write it aborts started from \(previous)")
                        continue
                    }
                    effective.remove(pending.sequence)
                    cancelledBy[pending.sequence] = entry.sequence
                    // Still resolvable by a later store.recovered (the COMMIT reached the disk).
                    pendingWrite[store] = nil
                    state[store] = anchor
                case ("instance.close", .ok):
                    // A clean close restates where this process's writes left each store:
                    // a confirmation, not a write.
                    if !(state[store] ?? Anchor(counter: 0, batch: 0)).admits(anchor) {
                        problems.append("\(name) states \(store) at \(anchor), but the trail last stated \(before)")
                    }
                    pendingWrite[store] = nil
                case ("store.restore", .ok):
                    effective.insert(entry.sequence)
                    pendingWrite[store] = (entry.sequence, nil)
                    state[store] = anchor
                case (_, .ok):
                    if anchor.counter != before.counter + 1 {
                        if let pending = pendingWrite[store], anchor.counter == before.counter {
                            let claimed = bySequence[pending.sequence]!
                            problems.append(
                                "entry \(pending.sequence) (\(claimed.action)) claims \(store)'s commit \(before.counter), but \(name) claims commit \(anchor.counter) again: the first write did not happen and no aborted or store.recovered entry says so"
                            )
                        } else {
                            problems.append(
                                "\(name) claims \(store)'s commit \(anchor.counter), but the trail last stated \(before)"
                            )
                        }
                    }
                    effective.insert(entry.sequence)
                    pendingWrite[store] = (entry.sequence, before)
                    state[store] = anchor
                default:
                    problems.append("\(name) states an anchor of \(store) with outcome \(entry.outcome)")
                }
            }
        }
        for (store, pending) in pendingWrite where uncommitted.contains(pending.sequence) {
            effective.remove(pending.sequence)
            if let before = pending.before { state[store] = before }
            pendingWrite[store] = nil
        }
        anchors = state
        newestWrites = pendingWrite
    }

    /// The anchors an entry states: `control` and region ids, by the commit keys of its details.
    public static func anchors(in entry: AuditEntry) -> [String: Anchor] {
        var found: [String: Anchor] = [:]
        for (key, value) in entry.details {
            guard case .integer(let counter) = value, key.hasSuffix(".commit") else { continue }
            let store: String
            if key == "control.commit" {
                store = "control"
            } else if key.hasPrefix("store.") {
                store = String(key.dropFirst("store.".count).dropLast(".commit".count))
            } else {
                continue
            }
            let batchKey = String(key.dropLast("commit".count)) + "batch"
            var batch: Int64?
            if case .integer(let value)? = entry.details[batchKey] { batch = value }
            found[store] = Anchor(counter: counter, batch: batch)
        }
        return found
    }

    /// The entries of `action` whose effect the trail claims.
    public func effectiveEntries(_ action: String) -> [AuditEntry] {
        entries.filter { $0.action == action && effective.contains($0.sequence) }
    }

    /// An integer detail summed over the effective entries of `action` in `region`.
    public func sum(_ detail: String, of action: String, in region: String) -> Int64 {
        effectiveEntries(action).filter { $0.regions == [region] }.reduce(0) { total, entry in
            guard case .integer(let value)? = entry.details[detail] else { return total }
            return total + value
        }
    }

    /// The events a region store should hold: every accepted event the trail claims, less
    /// every deletion it claims (retention, erasure, expiry).
    public func events(in region: String) -> Int64 {
        sum("accepted", of: "ingest.events", in: region) - sum("deleted", of: "retention.delete", in: region)
            - sum("events", of: "subject.erase", in: region) - sum("events", of: "retention.expire", in: region)
    }

    /// The subject pseudonyms a region store should hold: every subject an effective ingest
    /// accepted there, less every one an effective erasure or expiry removed (in trail order).
    public func subjects(in region: String) -> Set<String> {
        var present: Set<String> = []
        for entry in entries where effective.contains(entry.sequence) && entry.regions == [region] {
            switch entry.action {
            case "ingest.subjects": present.formUnion(entry.subjects)
            case "subject.erase", "retention.expire": present.subtract(entry.subjects)
            default: break
            }
        }
        return present
    }

    /// Pseudonyms of subjects whose erasure the trail claims.
    public var erasedSubjects: Set<String> {
        Set((effectiveEntries("subject.erase") + effectiveEntries("retention.expire")).flatMap(\.subjects))
    }

    /// Pseudonyms of subjects whose tombstone in `control.db` the trail claims (an entry
    /// with `tombstone: 1`, or `subject.tombstone`), by region.
    public func tombstones(in region: String) -> Set<String> {
        Set(
            entries.filter { entry in
                effective.contains(entry.sequence) && entry.regions == [region]
                    && (entry.action == "subject.tombstone" || entry.details["tombstone"] == .integer(1))
            }.flatMap(\.subjects)
        )
    }

    /// Ids of the tokens the trail claims were created, and of those it claims were revoked.
    public var tokens: (created: Set<String>, revoked: Set<String>) {
        func ids(_ action: String) -> Set<String> {
            Set(
                effectiveEntries(action).compactMap { entry in
                    if case .string(let id)? = entry.details["token"] { id } else { nil }
                }
            )
        }
        return (ids("token.create"), ids("token.revoke"))
    }

    /// Micro-ε the trail claims `analyst` spent in each region (queries not answered from a
    /// stored release).
    public func budgetSpent(by analyst: String) -> [String: Int64] {
        var spent: [String: Int64] = [:]
        for entry in effectiveEntries("query.run") where entry.details["analyst"] == .string(analyst) {
            for (key, value) in entry.details where key.hasPrefix("epsilon.") {
                guard case .string(let text) = value, let cost = PrivacyCost(epsilon: text) else { continue }
                spent[String(key.dropFirst("epsilon.".count)), default: 0] += cost.microEpsilon
            }
        }
        return spent
    }

    /// Ids of the data-subject requests the trail claims were registered.
    public var registeredRequests: Set<String> {
        Set(
            (effectiveEntries("dsr.record") + effectiveEntries("dsr.open")).compactMap { entry in
                // `dsr.list` and friends name "N requests" when they touch several.
                if case .string(let id)? = entry.details["request"], !id.hasSuffix(" requests") { id } else { nil }
            }
        )
    }

    /// How many times the trail claims `action` took effect with `detail` = `value`.
    public func count(_ action: String, where detail: String? = nil, is value: String? = nil) -> Int {
        effectiveEntries(action).filter { entry in
            guard let detail else { return true }
            return entry.details[detail] == .string(value ?? "")
        }.count
    }
}
