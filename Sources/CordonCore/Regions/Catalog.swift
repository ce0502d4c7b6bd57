/// The declared schema of subjects and events (`regions/catalog.json`).
///
/// It lists the purposes every policy must rule on (and which of them analysts may query,
/// counting which collection purposes' data), and for each field its type, data
/// category and role, so ingest can validate records, retention can find each field's
/// period, and the query engine knows which fields are dimensions, which are measures
/// (and their clamping bounds), and which must never appear in an answer.
public struct Catalog: Hashable, Sendable {
    /// The release of the catalog, e.g. `2026.11.1`.
    public var version: String
    /// The declared purposes, in file order.
    public var purposes: [PurposeDeclaration]
    /// Subject attributes, in file order.
    public var subjectFields: [Field]
    /// Event fields, in file order.
    public var eventFields: [Field]
    /// Default contribution bounds of queries (``QueryBounds``).
    public var queryBounds: QueryBounds

    /// Creates a catalog; ``PolicyConfiguration/load(from:)`` is the usual way to get one.
    public init(
        version: String,
        purposes: [PurposeDeclaration],
        subjectFields: [Field],
        eventFields: [Field],
        queryBounds: QueryBounds = .policyLimits
    ) {
        self.version = version
        self.purposes = purposes
        self.subjectFields = subjectFields
        self.eventFields = eventFields
        self.queryBounds = queryBounds
    }

    /// A purpose the catalog declares.
    public struct PurposeDeclaration: Hashable, Sendable {
        /// The purpose.
        public var purpose: Purpose
        /// What processing for it means, for notices and DPOs.
        public var description: String
        /// Whether analysts may query under it, and which collection purposes are compatible.
        public var query: QueryRule

        /// Creates a declaration.
        public init(purpose: Purpose, description: String, query: QueryRule) {
            self.purpose = purpose
            self.description = description
            self.query = query
        }
    }

    /// The declared purposes as a set.
    public var declaredPurposes: Set<Purpose> { Set(purposes.map(\.purpose)) }

    /// Whether `purpose` is declared.
    public func declares(_ purpose: Purpose) -> Bool { purposes.contains { $0.purpose == purpose } }

    /// The subject attribute called `name`, if declared.
    public func subjectField(named name: String) -> Field? { subjectFields.first { $0.name == name } }

    /// The event field called `name`, if declared.
    public func eventField(named name: String) -> Field? { eventFields.first { $0.name == name } }

    /// Every data category a field uses, each once, sorted.
    public var categories: [DataCategory] { Set((subjectFields + eventFields).map(\.category)).sorted() }
}
