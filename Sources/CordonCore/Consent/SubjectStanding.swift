/// What the policy needs to know about a subject to decide on a purpose: where they live,
/// how old they are, their signals, and the latest consent record per purpose.
public struct SubjectStanding: Sendable {
    public var country: CountryCode
    public var birthYear: Int?
    /// A Global Privacy Control signal was received (CCPA regs § 7025).
    public var globalPrivacyControl: Bool
    /// The latest record per purpose (history is kept in the store; only the latest decides).
    public var latestConsents: [Purpose: ConsentRecord]

    public init(
        country: CountryCode,
        birthYear: Int?,
        globalPrivacyControl: Bool,
        latestConsents: [Purpose: ConsentRecord]
    ) {
        self.country = country
        self.birthYear = birthYear
        self.globalPrivacyControl = globalPrivacyControl
        self.latestConsents = latestConsents
    }

    /// Folds a history (any order) into the latest record per purpose; ties go to the
    /// later entry in `history`, which is insertion order in the store.
    public static func latest(of history: [ConsentRecord]) -> [Purpose: ConsentRecord] {
        var latest: [Purpose: ConsentRecord] = [:]
        for record in history where (latest[record.purpose]?.recordedAt ?? .min) <= record.recordedAt {
            latest[record.purpose] = record
        }
        return latest
    }

    /// Age in whole years at `now` (Unix seconds), conservatively: someone born in 2010 is
    /// taken to be 14 throughout 2024, not 15, so a birthday cannot make a minor look adult.
    public func age(at now: Int64) -> Int? {
        guard let birthYear else { return nil }
        let year = 1970 + Int(now / Self.yearSeconds)  // mean Gregorian year; exact enough for a year
        return year - birthYear - 1
    }

    /// The mean Gregorian year in seconds, the step of ``age(at:)``.
    static let yearSeconds: Int64 = 31_556_952

    /// The first instant after `now` at which ``age(at:)`` may differ for some birth year.
    static func nextAgeChange(after now: Int64) -> Int64 {
        let next = (now / yearSeconds + 1) * yearSeconds
        return next > now ? next : now + 1
    }
}
