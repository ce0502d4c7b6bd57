public import CordonCrypto

/// A query an analyst saved by name, to run again (`cordon query save`, `POST /v1/queries`).
///
/// It holds the canonical text of the validated query, so running it again within a
/// budget period asks exactly the released question and is answered for free.
public struct SavedQuery: Sendable, Codable, Hashable {
    /// 1–64 of `A-Z a-z 0-9 _ . -`; unique per analyst.
    public var name: String
    /// The budget holder it belongs to (an analyst token's name); no one else sees it.
    public var analyst: String
    /// The canonical query text: what is released and audited, so the saved query and the
    /// same question typed again share one release.
    public var query: String
    /// The text as the analyst wrote it (validated when saved): what runs, so its aliases,
    /// ORDER BY and LIMIT — presentation the canonical text leaves out — are kept.
    public var text: String
    public var purpose: Purpose
    /// When it was saved (RFC 3339, UTC).
    public var savedAt: String

    public init(name: String, analyst: String, query: String, text: String, purpose: Purpose, savedAt: String) {
        self.name = name
        self.analyst = analyst
        self.query = query
        self.text = text
        self.purpose = purpose
        self.savedAt = savedAt
    }

    /// Whether `name` is a valid saved-query name: 1–64 of `A-Z a-z 0-9 _ . -`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
            }
    }
}

/// Why a saved query cannot be saved or found; safe to show (names only, never data).
public struct SavedQueryError: CordonError, Equatable {
    /// A stable code; compare with `==`.
    public struct Code: CordonErrorCode {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The name is not 1–64 of `A-Z a-z 0-9 _ . -`.
        public static let invalidName = Code("invalid_name")
        /// The analyst already saved a query under this name.
        public static let nameTaken = Code("name_taken")
        /// The analyst has no saved query of this name.
        public static let unknownQuery = Code("unknown_saved_query")
    }

    public let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message (declared here so callers need not import CordonCrypto to read it).
    public var description: String { message }
}
