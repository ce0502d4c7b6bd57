extension Catalog {
    /// Whether analysts may query under a purpose, and whose data such a query may count.
    ///
    /// Purpose limitation (GDPR Art. 5(1)(b), PIPL Art. 6, LGPD Art. 6 I-III): data
    /// collected for one purpose may be used for another only when the two are compatible
    /// (GDPR Art. 6(4)). A query counts the people lawful for its own purpose now, and only
    /// the events collected for a purpose listed in ``compatibleCollectionPurposes``; a
    /// purpose that may not be queried is refused, so naming a broader purpose (a contract)
    /// cannot launder a question about people who never consented.
    public struct QueryRule: Hashable, Sendable {
        /// Whether an analyst may name this purpose for a query.
        public var isPermitted: Bool
        /// The collection purposes whose events a query under this purpose counts, the
        /// purpose itself included; empty when queries are not permitted.
        public var compatibleCollectionPurposes: [Purpose]
        /// Why: the articles relied on and the reasoning about each pair.
        public var source: String

        /// Creates a query rule.
        public init(isPermitted: Bool, compatibleCollectionPurposes: [Purpose], source: String) {
            self.isPermitted = isPermitted
            self.compatibleCollectionPurposes = compatibleCollectionPurposes
            self.source = source
        }
    }

    /// The purposes analysts may query under, in file order.
    public var queryablePurposes: [Purpose] { purposes.filter(\.query.isPermitted).map(\.purpose) }

    /// The query rule of `purpose`, or `nil` when it is not declared.
    public func queryRule(for purpose: Purpose) -> QueryRule? {
        purposes.first { $0.purpose == purpose }?.query
    }

    /// The collection purposes whose events a query for `purpose` may count; empty when the
    /// purpose is undeclared or may not be queried.
    public func collectionPurposes(compatibleWith purpose: Purpose) -> [Purpose] {
        guard let rule = queryRule(for: purpose), rule.isPermitted else { return [] }
        return rule.compatibleCollectionPurposes
    }

    /// Why `purpose` cannot be queried, with the purposes that can; `nil` when it can.
    public func queryRefusal(for purpose: Purpose) -> String? {
        let queryable = queryablePurposes.map(\.rawValue).joined(separator: ", ")
        guard let rule = queryRule(for: purpose) else {
            return
                "'\(purpose.rawValue.prefix(64))' is not a declared purpose; queryable purposes: \(queryable)"
        }
        guard rule.isPermitted else {
            return
                "purpose '\(purpose)' may not be queried (regions/catalog.json: \(Self.firstSentence(of: rule.source))); queryable purposes: \(queryable)"
        }
        return nil
    }

    /// The first sentence of a source text, for messages.
    private static func firstSentence(of text: String) -> String {
        guard let end = text.firstIndex(of: ".") else { return text }
        return String(text[..<end])
    }
}
