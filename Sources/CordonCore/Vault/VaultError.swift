public import CordonCrypto

/// A vault operation that cannot go ahead: safe to show, says what to do next.
public struct VaultError: CordonError {
    public struct Code: CordonErrorCode {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No subject matches the id, externalId or email.
        public static let subjectNotFound = Code("subject_not_found")
        /// The request itself is invalid (a field, a purpose, a state).
        public static let invalidRequest = Code("invalid_request")
        /// The audit trail could not record the operation, so it did not happen (fail closed).
        public static let auditUnavailable = Code("audit_unavailable")
        /// A store is older than its last audited state (restored file, dropped WAL tail).
        public static let storeRolledBack = Code("store_rolled_back")
        /// The region is not enabled in this data directory.
        public static let unknownRegion = Code("unknown_region")
        /// Another process holds the data directory.
        public static let busy = Code("busy")
        /// Stored data failed to decrypt or decode.
        public static let corrupt = Code("corrupt")
        /// A store's file failed authentication or is damaged (a flipped page, a bad
        /// header): its region is unavailable until it is restored.
        public static let storeCorrupt = Code("store_corrupt")
        /// A store's volume is full: the write was rolled back (and, if its audit entry was
        /// already durable, recorded as aborted). Free space and retry.
        public static let storageFull = Code("storage_full")
        /// A store could not be read or written for another reason (I/O error, permissions).
        public static let storageUnavailable = Code("storage_unavailable")
        /// A store file the audit trail records writes to is missing (deleted).
        public static let storeMissing = Code("store_missing")
        /// The audit trail is behind a store's anchored state, or shorter than a checkpoint
        /// that was witnessed: entries were cut from it or it was replaced. Cordon refuses
        /// to start on it.
        public static let auditTrailCut = Code("audit_trail_cut")
        /// `cordon.json`, the policy configuration and the stores on disk disagree about
        /// which regions exist (a region dropped from `cordon.json` while its store remains).
        public static let configurationMismatch = Code("configuration_mismatch")
        /// An `Idempotency-Key` already names another request (another body, endpoint or
        /// caller): nothing was written.
        public static let idempotencyKeyReused = Code("idempotency_key_reused")
        /// A request with the same `Idempotency-Key` is still being answered.
        public static let idempotencyKeyInUse = Code("idempotency_key_in_use")
    }

    public let code: Code
    public let message: String
    /// The regions whose stores caused the failure (for the storage codes): each is named to
    /// the client, so it knows which region is out of service and that the others are not.
    public let regions: [RegionID]
    /// The error that caused this one (an audit read, a key that does not unwrap), if any.
    public let underlying: (any Error & Sendable)?

    public init(
        _ code: Code,
        _ message: String,
        regions: [RegionID] = [],
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.regions = regions
        self.underlying = underlying
    }

    /// The message (declared here so callers need not import CordonCrypto to read it).
    public var description: String { message }
}
