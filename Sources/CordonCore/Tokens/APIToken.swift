public import Foundation

/// An API token as the register keeps it: never the secret, only who it is for.
public struct APIToken: Sendable, Hashable, Codable {
    /// The public id, `tok_` and 16 hex digits: what audit entries name as the actor.
    public var id: String
    /// A label for people (`shop-backend`, `dpo-anna`); no personal data.
    public var name: String
    public var role: TokenRole
    public var scope: TokenScope
    /// The purposes an analyst token may query (sorted); empty for every other role, and
    /// for analyst tokens issued before purposes were recorded (they may query nothing).
    public var purposes: [Purpose]
    public var createdAt: Date
    /// The actor that created it (`cli:root`, or an admin token id).
    public var createdBy: String
    /// When it was revoked; a revoked token authenticates nothing.
    public var revokedAt: Date?

    public init(
        id: String,
        name: String,
        role: TokenRole,
        scope: TokenScope,
        purposes: [Purpose] = [],
        createdAt: Date,
        createdBy: String,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.scope = scope
        self.purposes = purposes.sorted()
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }

    /// Whether the token is revoked.
    public var isRevoked: Bool { revokedAt != nil }

    private enum CodingKeys: String, CodingKey {
        case id, name, role, regions, purposes, createdAt, createdBy, revokedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            name: try container.decode(String.self, forKey: .name),
            role: try container.decode(TokenRole.self, forKey: .role),
            scope: try container.decode(TokenScope.self, forKey: .regions),
            purposes: try container.decodeIfPresent([Purpose].self, forKey: .purposes) ?? [],
            createdAt: try container.decodeTimestamp(forKey: .createdAt),
            createdBy: try container.decode(String.self, forKey: .createdBy),
            revokedAt: try container.decodeTimestampIfPresent(forKey: .revokedAt)
        )
    }

    /// JSON with RFC 3339 times, `regions` (`["*"]` for every region) and `purposes`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(scope, forKey: .regions)
        try container.encode(purposes, forKey: .purposes)
        try container.encode(Timestamp.format(createdAt), forKey: .createdAt)
        try container.encode(createdBy, forKey: .createdBy)
        if let revokedAt {
            try container.encode(Timestamp.format(revokedAt), forKey: .revokedAt)
        } else {
            try container.encodeNil(forKey: .revokedAt)
        }
    }
}

/// A token just created: the secret, shown once and never stored, with its record.
public struct IssuedToken: Sendable {
    /// The bearer secret, `cordon_` and 64 hex digits (256 random bits).
    ///
    /// - Warning: show it once to whoever asked for it; it is not stored anywhere.
    public var secret: String
    public var token: APIToken
}
