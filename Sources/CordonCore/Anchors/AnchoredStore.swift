import CordonAudit

/// A durable store whose every write is anchored in the audit trail: a region store, or
/// `control.db` (tokens, the DSR register, tombstones, the privacy-budget ledger).
///
/// Each write advances the store's ``StoreAnchor`` inside its transaction, and the write's
/// audit entry — appended and fsynced before COMMIT — names the new anchor in its details
/// (`store.eu.commit`, `store.eu.batch`; `control.commit`, `control.batch`). A store that
/// is behind its newest anchor was rolled back or deleted; one that is ahead of it proves
/// the trail was cut (decision 0005).
public enum AnchoredStore: Hashable, Sendable, CustomStringConvertible {
    case region(RegionID)
    case control

    /// The detail key holding the store's commit counter after the entry's effect.
    public var commitKey: String {
        switch self {
        case .region(let region): "store.\(region.rawValue).commit"
        case .control: "control.commit"
        }
    }

    /// The detail key holding the id of the batch that produced that commit.
    public var batchKey: String {
        switch self {
        case .region(let region): "store.\(region.rawValue).batch"
        case .control: "control.batch"
        }
    }

    /// The audit details that state `anchor`.
    func details(_ anchor: StoreAnchor) -> [String: AuditDetailValue] {
        [commitKey: .integer(anchor.counter), batchKey: .integer(anchor.batch)]
    }

    /// The anchor an entry states for this store, if it states one. Entries written before
    /// batches were recorded carry only the counter (batch `nil`).
    func anchor(in entry: AuditEntry) -> (counter: Int64, batch: Int64?)? {
        guard case .integer(let counter)? = entry.details[commitKey] else { return nil }
        if case .integer(let batch)? = entry.details[batchKey] { return (counter, batch) }
        return (counter, nil)
    }

    /// The regions an entry about this store names.
    var regions: [RegionID] {
        if case .region(let region) = self { [region] } else { [] }
    }

    /// `region store eu`, `control.db`.
    public var description: String {
        switch self {
        case .region(let region): "region store \(region)"
        case .control: "control.db"
        }
    }
}

/// Where a store is: how many audited writes it has committed, and which batch made the
/// last one (a random id drawn per write, so two files at the same counter but with
/// different histories are told apart).
public struct StoreAnchor: Hashable, Sendable, CustomStringConvertible {
    public var counter: Int64
    public var batch: Int64

    public init(counter: Int64, batch: Int64) {
        self.counter = counter
        self.batch = batch
    }

    public var description: String { "commit \(counter) (batch \(batch))" }
}
