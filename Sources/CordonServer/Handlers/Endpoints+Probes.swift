import CordonAudit
import CordonCore
import CordonCrypto
import Foundation

/// `POST /v1/unseal`: exactly one of the three.
struct UnsealBody: Decodable {
    /// For a data directory initialized with a passphrase.
    var passphrase: String?
    /// For one whose master key is a file: the 32-byte key as 64 hex digits.
    var masterKeyHex: String?
    /// For one whose master key is held as shares (`cordon keys split`): one share, as 70
    /// hex digits or 25 words; the server collects them until the threshold is met.
    var share: String?
}

/// `202` to `POST /v1/unseal` with a share while more are needed.
struct UnsealProgress: Encodable {
    var status = "sealed"
    var sharesReceived: Int
    var threshold: Int
    var message: String
}

extension Endpoints {
    /// `GET /healthz`: the process answers.
    func health(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        try HTTPResponse.json(["status": "ok"])
    }

    /// `GET /readyz`: 200 when serving (with the overdue breach notifications and the peers
    /// whose trail this node found cut or forked: `witnessAlarms`); `503 sealed` until unsealed; `503 audit_unavailable`
    /// with the reason and since when while the audit trail refuses entries (every other
    /// request fails closed then). A probe may start a recovery attempt — at most one per
    /// `recoveryEveryMilliseconds`, so probes cannot hammer a failing disk — and answers
    /// 200 again, without a restart, once the trail has recovered.
    func readiness(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        guard let session = context.session else { throw APIError.sealed }
        switch session.vault.auditHealth(attemptingRecovery: true).state {
        case .writable:
            if let coordinator = configuration.coordinator {
                return try coordinatorReadiness(coordinator, vault: session.vault)
            }
            let overdue = try? session.vault.overdueBreachNotifications(now: Date()).count
            let alarms = session.vault.standingWitnessAlarms().mapValues(\.rawValue)
            return try HTTPResponse.json(
                ReadyBody(overdueBreachNotifications: overdue, witnessAlarms: alarms.count, witnessAlarmPeers: alarms)
            )
        case .failed(let failure): return try HTTPResponse.auditUnavailable(failure, requestID: context.requestID)
        case .closed: throw APIError.shuttingDown
        }
    }

    /// `POST /v1/unseal`: opens the vault with a passphrase or key (admin bootstrap).
    ///
    /// Only from a loopback peer (whoever can reach loopback already runs on the host), at
    /// most ``ServerConfiguration/unsealAttemptsPerMinute`` attempts per minute from each
    /// client address — one client guessing cannot lock out the operator, who unseals from
    /// another — and one attempt at a time, each paying the passphrase KDF, which bounds
    /// guessing across all clients. The secret is never logged or audited; a success is
    /// audited as `server.unseal` once the trail is open.
    ///
    /// - Warning: the passphrase passes through Foundation strings that cannot be zeroed;
    ///   the derived key itself lives in guarded memory like every key.
    func unseal(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        guard request.clientIsLoopback else {
            throw APIError(
                status: 403,
                code: "loopback_only",
                message: "unseal only from the server's own host (loopback)"
            )
        }
        if let wait = unsealLimiter.take(request.clientAddress) {
            throw APIError(
                status: 429,
                code: "rate_limited",
                message: "too many unseal attempts from this address; retry after \(wait) s",
                headers: [("Retry-After", String(wait))]
            )
        }
        let body = try JSONBody.decode(UnsealBody.self, from: request)
        if let share = body.share {
            guard body.passphrase == nil, body.masterKeyHex == nil else {
                throw APIError.badRequest("give exactly one of passphrase, masterKeyHex and share")
            }
            return try unseal(share: share, context)
        }
        let (source, cleanup): (MasterKeySource, () -> Void)
        switch (body.passphrase, body.masterKeyHex) {
        case (let passphrase?, nil) where !passphrase.isEmpty:
            (source, cleanup) = (.passphrase(Array(passphrase.utf8)), {})
        case (nil, let hex?):
            guard hex.utf8.count == 64, Hex.decode(hex) != nil else {
                throw APIError.badRequest("masterKeyHex must be 64 hex digits")
            }
            (source, cleanup) = try Self.ephemeralKeyFile(hex)
        default:
            throw APIError.badRequest("give exactly one of passphrase, masterKeyHex and share")
        }
        defer { cleanup() }
        let configDirectory = configuration.configDirectory
        let session: VaultSession
        do {
            session = try slot.unseal {
                let vault = try openVault(source)
                do {
                    return try VaultSession(vault: vault, configDirectory: configDirectory)
                } catch {
                    try? vault.close()
                    throw error
                }
            }
        } catch let error as KeyError {
            metrics.recordUnsealFailure()
            _ = error
            throw APIError(
                status: 403,
                code: "unseal_failed",
                message: "that passphrase or key does not open this data directory"
            )
        }
        try session.vault.recordAccess(
            AccessContext(actor: "unseal:loopback", role: .admin, requestID: context.requestID),
            action: .serverUnseal,
            outcome: .ok
        )
        return try HTTPResponse.json(["status": "unsealed"]).audited()
    }

    /// Writes a key given as hex to a private file in memory-backed `/dev/shm` (the key
    /// sources read files), removed as soon as the vault has read it.
    private static func ephemeralKeyFile(_ hex: String) throws -> (MasterKeySource, () -> Void) {
        let shm = URL(fileURLWithPath: "/dev/shm")
        guard FileManager.default.fileExists(atPath: shm.path) else {
            throw APIError(
                status: 400,
                code: "unsupported",
                message: "this host has no /dev/shm; unseal with a passphrase"
            )
        }
        let directory = shm.appendingPathComponent("cordon-unseal-\(Hex.encode(SecureRandom.randomID(byteCount: 8)))")
        try FileManager.default.createDirectory(
            at: directory,
            withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o700]
        )
        let file = directory.appendingPathComponent("master.key")
        guard
            FileManager.default.createFile(
                atPath: file.path,
                contents: Data(hex.utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else {
            try? FileManager.default.removeItem(at: directory)
            throw APIError(status: 503, code: "unsupported", message: "cannot stage the key for unsealing")
        }
        return (.keyFile(file), { try? FileManager.default.removeItem(at: directory) })
    }
}
