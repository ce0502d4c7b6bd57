extension Policy {
    /// How one purpose may lawfully be pursued.
    public struct PurposeRule: Hashable, Sendable {
        /// The legal ground relied on.
        public var lawfulBasis: LawfulBasis
        /// How the subject's choice gates the purpose.
        public var model: ConsentModel
        /// Whether the consent must be asked for separately from any other (PIPL Art. 23,
        /// 29, 39 "separate consent"; LGPD Art. 7 § 5 "specific consent").
        public var separateConsent: Bool
        /// Whether a Global Privacy Control signal counts as an opt-out or withdrawal for
        /// this purpose (mandatory under CCPA regulations § 7025 for sale/sharing).
        public var honorsGlobalPrivacyControl: Bool
        /// The article or section the rule comes from.
        public var source: String

        /// Creates a purpose rule.
        public init(
            lawfulBasis: LawfulBasis,
            model: ConsentModel,
            separateConsent: Bool,
            honorsGlobalPrivacyControl: Bool,
            source: String
        ) {
            self.lawfulBasis = lawfulBasis
            self.model = model
            self.separateConsent = separateConsent
            self.honorsGlobalPrivacyControl = honorsGlobalPrivacyControl
            self.source = source
        }

        /// Whether the purpose can be lawful at all in this jurisdiction.
        public var isPermitted: Bool { lawfulBasis != .notPermitted }

        /// Whether processing must wait for a recorded, affirmative consent.
        public var requiresConsent: Bool { isPermitted && model == .optIn }

        /// Whether processing may go ahead until the subject opts out.
        public var allowsOptOut: Bool { isPermitted && model == .optOut }
    }

    /// The consent model that applies to `purpose` for a subject of `age` (if known) in
    /// `country` (if known), or `nil` when the policy has no rule for the purpose.
    ///
    /// Age-specific rules make the model stricter, never looser: a CCPA subject under 16
    /// must opt in to sale or sharing (Cal. Civ. Code 1798.120(c)). An unknown age is
    /// treated as an adult's; whether a guardian must consent is ``AgeRules/requiresGuardianConsent(age:country:)``.
    public func consentModel(for purpose: Purpose, subjectAge age: Int?) -> ConsentModel? {
        guard let rule = purposes[purpose] else { return nil }
        if let age, let override = minimumAge.purposeOverrides[purpose], age < override.belowAge,
            override.model.strictness > rule.model.strictness
        {
            return override.model
        }
        return rule.model
    }
}

extension ConsentModel {
    /// Orders models from least to most demanding of the subject's consent.
    var strictness: Int {
        switch self {
        case .notRequired: 0
        case .optOut: 1
        case .optIn: 2
        }
    }
}
