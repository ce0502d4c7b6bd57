import CordonCore
import CordonCrypto
import Foundation

extension Endpoints {
    /// `POST /v1/backups`: an online backup while the server keeps serving (decision 0020),
    /// into a new directory under ``ServerConfiguration/backupDirectory`` named by the
    /// server (never by the request). Admins and DPOs, with a token for every region: a
    /// backup holds them all. `201` with the report; `cordon backup verify` checks it.
    func createBackup(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        for region in session.vault.regionIDs { try authorize(context, region: region) }
        guard let root = configuration.backupDirectory else {
            throw APIError(
                status: 503,
                code: "not_configured",
                message: "this server makes no backups; start it with --backup-dir DIR"
            )
        }
        let stamp = Timestamp.now().filter { $0.isNumber }.prefix(14)
        let directory = root.appendingPathComponent(
            "cordon-\(stamp)-\(Hex.encode(SecureRandom.randomID(byteCount: 3)))"
        )
        do {
            let report = try session.vault.backup(to: directory, context: context.access)
            return try HTTPResponse.json(report, status: 201).audited()
        } catch let error as BackupError {
            throw APIError(status: 503, code: "backup_failed", message: error.message)
        }
    }
}
