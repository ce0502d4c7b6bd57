import CordonAudit
import CordonCrypto
import CordonStore
public import Foundation
import Synchronization

/// The API tokens of an instance, in `control.db`: creation (the secret is returned once),
/// listing, revocation, and authentication of a presented bearer secret.
///
/// Only `BLAKE2b(secret)` keyed with the control keyring's `token-hash` key is stored;
/// authentication hashes the presented secret, finds the row by that hash and compares
/// the hashes again in constant time. Creation and revocation are audited (`token.create`,
/// `token.revoke`) before they are reported done. Authenticated tokens are cached in
/// memory; a revocation through this registry evicts at once (one process owns the data
/// directory, so no other writer can change the table behind it).
///
/// ```swift
/// let tokens = try vault.tokenRegistry()
/// let issued = try tokens.create(name: "shop", role: .ingest, scope: .regions(["eu"]), context: .commandLine())
/// let token = try tokens.authenticate(issued.secret)   // the APIToken, or nil
/// ```
public final class TokenRegistry: Sendable {
    /// The prefix of every secret, so leaked tokens are easy to recognize and scan for.
    public static let secretPrefix = "cordon_"

    let vault: Vault
    private let hashKey: SecretKey<TokenHashKeyRole>
    /// Active tokens by hex of their hash; only successful authentications are cached.
    private let cache = Mutex<[String: APIToken]>([:])

    init(vault: Vault, hashKey: SecretKey<TokenHashKeyRole>) {
        self.vault = vault
        self.hashKey = hashKey
    }

    private var store: ControlStore { vault.control }

    /// Creates a token and returns its secret (shown once). Audited as `token.create`.
    ///
    /// An analyst token names the purposes it may query (at least one, each one the
    /// catalog lets analysts query); no other role takes purposes. The name must not be
    /// that of another active token.
    ///
    /// - Throws: ``ControlError/Code/invalidInput`` for a malformed name, an unknown region
    ///   or a purpose that does not fit the role; ``ControlError/Code/nameTaken``.
    public func create(
        name: String,
        role: TokenRole,
        scope: TokenScope,
        purposes: [Purpose] = [],
        context: AccessContext,
        now: Date = Date()
    ) throws -> IssuedToken {
        guard !name.isEmpty, name.count <= 64,
            name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F || $0 == " " })
        else {
            throw ControlError(.invalidInput, "a token name is 1 to 64 printable ASCII characters")
        }
        if case .regions(let regions) = scope {
            let unknown = regions.filter { vault.configuration.regions[$0] == nil }.map(\.rawValue).sorted()
            guard unknown.isEmpty else {
                throw ControlError(
                    .invalidInput,
                    "unknown region(s) \(unknown.joined(separator: ", ")); regions: \(vault.regionIDs.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }
        let purposes = try Self.checkPurposes(purposes, role: role, catalog: vault.configuration.catalog)
        try checkNameIsFree(name)
        let secret = Self.secretPrefix + Hex.encode(SecureRandom.bytes(count: 32))
        let token = APIToken(
            id: "tok_" + Hex.encode(SecureRandom.randomID(byteCount: 8)),
            name: name,
            role: role,
            scope: scope,
            purposes: purposes,
            createdAt: UnixSeconds.truncate(now),
            createdBy: context.actor
        )
        let hash = self.hash(secret)
        var details: [String: AuditDetailValue] = [
            "token": .string(token.id), "name": .string(name), "role": .string(role.rawValue),
            "scope": .string(scope.description),
        ]
        if !purposes.isEmpty { details["purposes"] = .string(Self.stored(purposes)) }
        // One anchored transaction: the row, then its audit entry, then COMMIT.
        try vault.write(
            .control,
            context: context,
            { connection in
                do {
                    try connection.execute(
                        """
                        INSERT INTO api_tokens(id, name, role, regions, purposes, token_hash, created_at, created_by)
                        VALUES (\(token.id), \(name), \(role.rawValue), \(scope.description), \(Self.stored(purposes)), \(hash),
                                \(UnixSeconds.from(token.createdAt)), \(token.createdBy))
                        """
                    )
                } catch let error as StoreError where error.code == .constraint {
                    // Another creation took the name since the check (the unique index decides).
                    throw Self.nameTaken(name)
                }
            },
            entry: { _ in
                AuditRecord(action: .tokenCreate, regions: Self.auditRegions(scope), details: details)
            }
        )
        return IssuedToken(secret: secret, token: token)
    }

    /// The purposes of a new token of `role`, sorted, or the reason they do not fit it.
    static func checkPurposes(_ purposes: [Purpose], role: TokenRole, catalog: Catalog) throws -> [Purpose] {
        let queryable = catalog.queryablePurposes.map(\.rawValue).joined(separator: ", ")
        guard role == .analyst else {
            guard purposes.isEmpty else {
                throw ControlError(
                    .invalidInput,
                    "purposes apply to analyst tokens only: a \(role.rawValue) token queries nothing"
                )
            }
            return []
        }
        guard !purposes.isEmpty else {
            throw ControlError(
                .invalidInput,
                "an analyst token needs the purposes it may query (queryable purposes: \(queryable))"
            )
        }
        for purpose in purposes {
            if let refusal = catalog.queryRefusal(for: purpose) { throw ControlError(.invalidInput, refusal) }
        }
        return Set(purposes).sorted()
    }

    private func checkNameIsFree(_ name: String) throws {
        let taken = try store.read("check a token name") { connection in
            try connection.scalar(
                String.self,
                "SELECT id FROM api_tokens WHERE name = \(name) AND revoked_at IS NULL"
            )
        }
        if taken != nil { throw Self.nameTaken(name) }
    }

    private static func nameTaken(_ name: String) -> ControlError {
        ControlError(
            .nameTaken,
            "an active token is already named '\(name)'; choose another name, or revoke that token first (a rotated analyst token keeps its budget by keeping its name)"
        )
    }

    /// The stored form of purposes: sorted names joined by commas, `''` for none.
    public static func stored(_ purposes: [Purpose]) -> String {
        purposes.map(\.rawValue).sorted().joined(separator: ",")
    }

    /// Every token, newest first, revoked ones included.
    public func list() throws -> [APIToken] {
        try store.read("list tokens") { connection in
            try connection.query(
                "SELECT id, name, role, regions, purposes, created_at, created_by, revoked_at FROM api_tokens ORDER BY created_at DESC, id"
            ).map(Self.decode)
        }
    }

    /// The token with this id.
    /// - Throws: ``ControlError/Code/unknownToken`` when there is none.
    public func token(id: String) throws -> APIToken {
        let found = try store.read("read a token") { connection in
            try connection.query(
                "SELECT id, name, role, regions, purposes, created_at, created_by, revoked_at FROM api_tokens WHERE id = \(id)"
            ).map(Self.decode).first
        }
        guard let found else { throw ControlError(.unknownToken, "no token \(id); list them with `cordon token list`") }
        return found
    }

    /// Revokes a token: it authenticates nothing from now on. Audited as `token.revoke`;
    /// revoking a revoked token changes nothing and says so.
    @discardableResult
    public func revoke(id: String, context: AccessContext, now: Date = Date()) throws -> APIToken {
        var token = try token(id: id)
        guard token.revokedAt == nil else {
            throw ControlError(.alreadyRevoked, "token \(id) was already revoked")
        }
        let at = UnixSeconds.truncate(now)
        try vault.write(
            .control,
            context: context,
            { connection in
                try connection.execute(
                    "UPDATE api_tokens SET revoked_at = \(UnixSeconds.from(at)) WHERE id = \(id) AND revoked_at IS NULL"
                )
                return connection.changes
            },
            entry: { changed in
                // Revoked meanwhile by another caller: nothing changed, nothing to record.
                guard changed == 1 else { return nil }
                return AuditRecord(
                    action: .tokenRevoke,
                    regions: Self.auditRegions(token.scope),
                    details: ["token": .string(id), "name": .string(token.name)]
                )
            }
        )
        cache.withLock { cached in cached = cached.filter { $0.value.id != id } }
        token.revokedAt = at
        return token
    }

    /// The active token whose secret this is, or `nil` (unknown, malformed or revoked).
    public func authenticate(_ secret: String) throws -> APIToken? {
        guard secret.hasPrefix(Self.secretPrefix), secret.utf8.count == Self.secretPrefix.utf8.count + 64 else {
            return nil
        }
        let hash = self.hash(secret)
        let key = Hex.encode(hash)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let row = try store.read("authenticate a token") { connection in
            try connection.query(
                """
                SELECT id, name, role, regions, purposes, created_at, created_by, revoked_at, token_hash FROM api_tokens
                WHERE token_hash = \(hash)
                """
            ).first.map { row in (try Self.decode(row), try row.get([UInt8].self, "token_hash")) }
        }
        // The index lookup found the row by hash; compare again in constant time so the
        // decision never depends on a short-circuiting comparison of secret-derived bytes.
        guard let (token, stored) = row, ConstantTime.equals(stored, hash), !token.isRevoked else { return nil }
        cache.withLock { $0[key] = token }
        return token
    }

    private func hash(_ secret: String) -> [UInt8] {
        KeyedHash.hash(Array(secret.utf8), key: hashKey, byteCount: 32)
    }

    private static func auditRegions(_ scope: TokenScope) -> [RegionID] {
        if case .regions(let regions) = scope { return regions.sorted() }
        return []
    }

    private static func decode(_ row: Row) throws -> APIToken {
        guard let role = TokenRole(rawValue: try row.get(String.self, "role")),
            let scope = TokenScope(parsing: try row.get(String.self, "regions"))
        else {
            throw ControlError(.damagedRecord, "a token row holds a role or regions this build does not understand")
        }
        return APIToken(
            id: try row.get(String.self, "id"),
            name: try row.get(String.self, "name"),
            role: role,
            scope: scope,
            purposes: try row.get(String.self, "purposes").split(separator: ",").map { Purpose(rawValue: String($0)) },
            createdAt: UnixSeconds.date(try row.get(Int64.self, "created_at")),
            createdBy: try row.get(String.self, "created_by"),
            revokedAt: try row.get(Int64?.self, "revoked_at").map(UnixSeconds.date)
        )
    }
}
