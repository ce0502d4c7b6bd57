import CordonAudit
import CordonCore
import CordonCrypto
import Foundation

extension Endpoints {
    /// `POST /v1/unseal` with `{"share": ...}`: one key share towards the threshold
    /// `custody.json` records (decision 0020). Until it is met the answer is `202` with the
    /// progress ("2 of 3"); a repeated share is `409 duplicate_share`. At the threshold the
    /// shares are combined in guarded memory and the vault is opened with the key — never
    /// written anywhere. A key that fails the master-key check (its id against
    /// `cordon.json`'s `masterKey.id`, the check every master key passes) is `403
    /// unseal_failed` and the collected shares are dropped: the holders start again.
    ///
    /// - Warning: the share text passes through Foundation strings that cannot be zeroed;
    ///   the parsed share and the combined key live in guarded memory.
    func unseal(share text: String, _ context: RequestContext) throws -> HTTPResponse {
        guard !slot.isUnsealed else {
            throw APIError(status: 409, code: "already_unsealed", message: "the vault is already unsealed")
        }
        let custody: KeyCustody
        do {
            guard let read = try KeyCustody.read(from: configuration.dataDirectory) else {
                throw APIError(
                    status: 409,
                    code: "no_key_shares",
                    message:
                        "this data directory's master key is not held as shares (no custody.json); unseal with passphrase or masterKeyHex"
                )
            }
            custody = read
        } catch let error as KeyError {
            throw APIError(status: 503, code: "custody_unreadable", message: error.message)
        }
        let share: KeyShare
        do {
            share = try KeyShare(parsing: text)
        } catch let error as CryptoError {
            throw APIError(
                status: 400,
                code: "invalid_share",
                message: "\(error.message); \(unsealShares.received) of \(custody.threshold) shares kept"
            )
        }
        let shares: [KeyShare]
        switch unsealShares.add(share, threshold: custody.threshold) {
        case .needMore(let received, let threshold):
            return try HTTPResponse.json(
                UnsealProgress(
                    sharesReceived: received,
                    threshold: threshold,
                    message: "\(received) of \(threshold) shares received; \(threshold - received) more to unseal"
                ),
                status: 202
            )
        case .duplicate(let number, let received, let threshold):
            throw APIError(
                status: 409,
                code: "duplicate_share",
                message: "share \(number) was already given (\(received) of \(threshold)); give another holder's share"
            )
        case .complete(let complete):
            shares = complete
        }
        let key = try Shamir.combine(shares, as: MasterKeyRole.self)
        let configDirectory = configuration.configDirectory
        let session: VaultSession
        do {
            session = try slot.unseal {
                let vault = try openVault(.key(key))
                do {
                    return try VaultSession(vault: vault, configDirectory: configDirectory)
                } catch {
                    try? vault.close()
                    throw error
                }
            }
        } catch let error as KeyError where error.code == .wrongMasterKey {
            metrics.recordUnsealFailure()
            throw APIError(
                status: 403,
                code: "unseal_failed",
                message:
                    "the key combined from \(shares.count) shares fails the master-key check (its id is not the masterKey.id in cordon.json): a share is wrong or from another split; progress is reset to 0 of \(custody.threshold), give the shares again"
            )
        }
        try session.vault.recordAccess(
            AccessContext(actor: "unseal:loopback", role: .admin, requestID: context.requestID),
            action: .serverUnseal,
            outcome: .ok,
            details: ["method": "shares", "shares": String(shares.count)]
        )
        return try HTTPResponse.json(["status": "unsealed"]).audited()
    }
}
