extension Policy {
    /// The ages at which subjects may consent for themselves.
    public struct AgeRules: Hashable, Sendable {
        /// Below this age a parent or guardian must give or authorise consent.
        public var consentAge: Int
        /// The article or section the age comes from.
        public var source: String
        /// National ages that differ from ``consentAge`` (GDPR Art. 8(1) lets Member States
        /// lower it to no less than 13).
        public var countryOverrides: [CountryCode: AgeOverride]
        /// Purposes whose consent model becomes stricter for younger subjects.
        public var purposeOverrides: [Purpose: PurposeAgeRule]

        /// Creates age rules.
        public init(
            consentAge: Int,
            source: String,
            countryOverrides: [CountryCode: AgeOverride] = [:],
            purposeOverrides: [Purpose: PurposeAgeRule] = [:]
        ) {
            self.consentAge = consentAge
            self.source = source
            self.countryOverrides = countryOverrides
            self.purposeOverrides = purposeOverrides
        }

        /// The age of consent for residents of `country`, or the default when unknown.
        public func consentAge(in country: CountryCode?) -> Int {
            country.flatMap { countryOverrides[$0]?.age } ?? consentAge
        }

        /// Whether a subject of `age` resident in `country` needs a guardian's consent.
        public func requiresGuardianConsent(age: Int, country: CountryCode?) -> Bool {
            age < consentAge(in: country)
        }
    }

    /// A national age of consent.
    public struct AgeOverride: Hashable, Sendable {
        /// The age from which the subject consents alone.
        public var age: Int
        /// The national provision that sets it.
        public var source: String

        /// Creates a national age.
        public init(age: Int, source: String) {
            self.age = age
            self.source = source
        }
    }

    /// A stricter consent model for subjects under an age, for one purpose.
    public struct PurposeAgeRule: Hashable, Sendable {
        /// Subjects younger than this get ``model``.
        public var belowAge: Int
        /// The model that applies to them.
        public var model: ConsentModel
        /// The article or section that requires it.
        public var source: String

        /// Creates an age-dependent purpose rule.
        public init(belowAge: Int, model: ConsentModel, source: String) {
            self.belowAge = belowAge
            self.model = model
            self.source = source
        }
    }
}
