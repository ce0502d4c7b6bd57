public import CordonCrypto

/// A refusal or failure of the DPO's registers: breaches and cross-border transfers.
///
/// Messages are safe to print and log: they name breach and transfer ids, regions,
/// policies, mechanisms and dates, never a title, a reference or a subject id someone
/// typed, and they say what to do next.
public struct RegisterError: CordonError {
    /// A stable, extensible code; compare with `==`.
    public struct Code: CordonErrorCode {
        /// The code's name, as scripts and logs see it.
        public let name: String

        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// An argument is malformed (a title, a time, a region list, a category).
        public static let invalidInput = Code("invalid_input")
        /// No breach has this id.
        public static let unknownBreach = Code("unknown_breach")
        /// The breach is closed and cannot change any more.
        public static let breachClosed = Code("breach_closed")
        /// The breach does not affect the region named.
        public static let regionNotAffected = Code("region_not_affected")
        /// The notification was recorded before; a notification is recorded once.
        public static let alreadyNotified = Code("already_notified")
        /// The source region's policy does not allow the transfer mechanism asked for.
        public static let mechanismNotAllowed = Code("mechanism_not_allowed")
        /// The source region's law requires the subject's separate consent (PIPL Art. 39)
        /// and their latest `cross_border_transfer` record is not a current grant.
        public static let separateConsentRequired = Code("separate_consent_required")
        /// The subject's own record stops the transfer (a restriction, or an objection
        /// where the law lets it), though no consent is required.
        public static let transferNotLawful = Code("transfer_not_lawful")
        /// The destination is inside the subject's own region: not a cross-border transfer.
        public static let notCrossBorder = Code("not_cross_border")
    }

    /// What kind of failure this is.
    public let code: Code
    /// One or two sentences safe to print: what is wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message (declared here so callers need not import CordonCrypto to read it).
    public var description: String { message }
}
