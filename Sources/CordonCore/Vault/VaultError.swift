/// A vault operation that cannot go ahead: safe to show, says what to do next.
public struct VaultError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
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
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
