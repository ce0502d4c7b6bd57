extension Catalog {
    /// One declared field of a subject or an event.
    public struct Field: Hashable, Sendable {
        /// The field's name in ingest records, e.g. `amountCents`.
        public var name: String
        /// The value's type.
        public var type: FieldType
        /// What the field is for, which decides where it may appear.
        public var role: FieldRole
        /// The data category, which decides its retention.
        public var category: DataCategory
        /// Maximum length in characters, for ``FieldType/string`` fields.
        public var maxLength: Int?
        /// Lower bound (inclusive) for ``FieldType/integer`` fields; measures are clamped to it.
        public var minimum: Int?
        /// Upper bound (inclusive) for ``FieldType/integer`` fields; measures are clamped to it.
        public var maximum: Int?
        /// The allowed values, for ``FieldType/enumeration`` fields.
        public var values: [String]?
        /// Whether every record must carry the field.
        public var isRequired: Bool
        /// What the field holds, for DPOs and notices.
        public var description: String

        /// Creates a field.
        public init(
            name: String,
            type: FieldType,
            role: FieldRole,
            category: DataCategory,
            maxLength: Int? = nil,
            minimum: Int? = nil,
            maximum: Int? = nil,
            values: [String]? = nil,
            isRequired: Bool,
            description: String
        ) {
            self.name = name
            self.type = type
            self.role = role
            self.category = category
            self.maxLength = maxLength
            self.minimum = minimum
            self.maximum = maximum
            self.values = values
            self.isRequired = isRequired
            self.description = description
        }

        /// Clamps a measure into its bounds, bounding one subject's contribution.
        public func clamp(_ value: Int) -> Int {
            min(max(value, minimum ?? value), maximum ?? value)
        }
    }

    /// The type of a field's value.
    public enum FieldType: String, CaseIterable, Hashable, Sendable {
        /// Free text, bounded by `maxLength`.
        case string
        /// A whole number, bounded by `minimum` and `maximum`.
        case integer
        /// An RFC 3339 instant.
        case timestamp
        /// An ISO 3166-1 alpha-2 code (``CountryCode``).
        case countryCode = "country_code"
        /// One of the listed `values`.
        case enumeration = "enum"
        /// One of the catalog's purposes.
        case purpose
    }

    /// What a field is for.
    public enum FieldRole: String, CaseIterable, Hashable, Sendable {
        /// Identifies the subject; only ever stored as a blind index, never queryable.
        case identifier
        /// May be grouped and filtered on in aggregate queries.
        case dimension
        /// May be aggregated (clamped to its bounds); must be an integer.
        case measure
        /// The event's time; filters and retention use it.
        case timestamp
        /// Personal data sealed under the subject's key; never queryable.
        case pii
        /// The purpose the record was collected for.
        case purpose
    }
}
