/// A subject's recorded choice for one purpose (the latest record wins).
public enum ConsentState: String, CaseIterable, Sendable, Codable {
    /// Affirmative consent (GDPR Art. 4(11), 7).
    case granted
    /// Consent withdrawn (GDPR Art. 7(3)) or, for opt-out purposes, an opt-out (CCPA 1798.120).
    case withdrawn
    /// Processing restricted (GDPR Art. 18): stored, not used.
    case restricted
    /// The subject objected (GDPR Art. 21): no further processing for the purpose.
    case objected
}

/// One entry of a subject's append-only consent history.
public struct ConsentRecord: Sendable, Codable, Equatable {
    public var purpose: Purpose
    public var state: ConsentState
    /// Where the choice came from (a CMP string, `cli:<user>`, `dsr:<id>`).
    public var source: String
    /// When the subject made the choice (Unix seconds).
    public var recordedAt: Int64
    /// When a time-limited consent lapses (Unix seconds), if it does.
    public var expiresAt: Int64?

    public init(purpose: Purpose, state: ConsentState, source: String, recordedAt: Int64, expiresAt: Int64? = nil) {
        self.purpose = purpose
        self.state = state
        self.source = source
        self.recordedAt = recordedAt
        self.expiresAt = expiresAt
    }
}

extension Purpose: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
