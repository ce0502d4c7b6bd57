public import CordonAudit
public import Foundation

/// Another node whose audit trail this node witnesses: a local name, the base URL of its
/// API and its checkpoint verifier key, pinned (`cordon audit pubkey` on that node prints it).
///
/// ```swift
/// let peer = try WitnessPeer(parsing: "us=https://us.cordon.example:8443=cordon.audit/9f2c...+a1b2c3d4+AQ...")
/// ```
public struct WitnessPeer: Sendable, Hashable {
    /// 1–64 of `a-z 0-9 . _ -`: how this node names the peer (metrics labels, listings).
    public let name: String
    /// `http` or `https` URL of the peer's API, without a query.
    public let baseURL: URL
    /// The peer's checkpoint verifier key; its cosignatures are checked with the same key.
    public let key: NoteVerifierKey
    /// The bearer token this node presents to the peer (a token of the peer's own
    /// registry with `auditVerify` and `witness` rights), if any.
    ///
    /// - Warning: a secret; never printed (``description`` leaves it out).
    public let token: String?

    /// A peer from its parts.
    /// - Throws: ``WitnessError/Code/invalidPeer`` naming the part that is wrong.
    public init(name: String, baseURL: String, key: NoteVerifierKey, token: String? = nil) throws(WitnessError) {
        guard Self.isValidName(name) else {
            throw WitnessError(
                .invalidPeer,
                "peer name '\(name.prefix(80))' is not 1-64 of a-z 0-9 . _ - (e.g. us or node-2)"
            )
        }
        guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
            url.query == nil
        else {
            throw WitnessError(
                .invalidPeer,
                "peer \(name): '\(baseURL.prefix(200))' is not an http(s) URL without a query (e.g. https://us.example:8443)"
            )
        }
        self.name = name
        self.baseURL = url
        self.key = key
        self.token = token
    }

    /// Parses `NAME=URL=KEY` (`cordon serve --witness`), or `NAME=URL` with `key` given apart
    /// (`cordon audit witness --peer NAME=URL --key KEY`).
    public init(parsing text: String, key keyText: String? = nil, token: String? = nil) throws(WitnessError) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw WitnessError(
                .invalidPeer,
                "a peer reads NAME=URL=KEY (e.g. us=https://us.example:8443=<verifier key>)"
            )
        }
        var url = parts[1]
        var keyLine = keyText
        if keyLine == nil {
            // The key's base64 never holds "=" (33 bytes need no padding); the URL has no query.
            guard let separator = url.lastIndex(of: "=") else {
                throw WitnessError(.invalidPeer, "peer \(parts[0]): give its verifier key as NAME=URL=KEY")
            }
            keyLine = String(url[url.index(after: separator)...])
            url = String(url[..<separator])
        }
        let key: NoteVerifierKey
        do {
            key = try NoteVerifierKey(parsing: keyLine ?? "")
        } catch {
            throw WitnessError(
                .invalidPeer,
                "peer \(parts[0]): the verifier key is not of the form <name>+<hex8>+<base64> (\(error.message)); copy it from `cordon audit pubkey` on that node"
            )
        }
        try self.init(name: parts[0], baseURL: url, key: key, token: token)
    }

    /// Whether `name` is a valid peer name: 1–64 of `a-z 0-9 . _ -`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || [45, 46, 95].contains($0) }
    }

    /// `name=url` and the key's name (no token).
    public var description: String { "\(name)=\(baseURL.absoluteString) (\(key.name))" }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.baseURL == rhs.baseURL && lhs.key == rhs.key
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(key)
    }
}

/// How a witness reaches its peers: HTTP in the server and CLI, a stub in tests.
public protocol WitnessTransport: Sendable {
    /// The peer's current checkpoint note (`GET /v1/audit/checkpoint`).
    func checkpoint(of peer: WitnessPeer) throws -> String
    /// The peer's RFC 9162 consistency proof (`GET /v1/audit/proof/consistency?from=&to=`).
    func consistencyProof(
        of peer: WitnessPeer,
        from oldSize: UInt64,
        to newSize: UInt64
    ) throws
        -> AuditConsistencyProof
    /// Hands the peer its checkpoint with this node's cosignature line (`POST /v1/audit/cosignatures`).
    func deliver(_ cosignedCheckpoint: String, to peer: WitnessPeer) throws
}
