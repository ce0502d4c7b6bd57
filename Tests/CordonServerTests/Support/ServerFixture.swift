import CordonAudit
import CordonCore
import CordonCrypto
import CordonServer
import CordonTestSupport
import Foundation

/// A vault in a temporary directory under the shipped policies, served by a ``CordonAPI``
/// in-process, with one token per role (and region-scoped ones) and helpers to call it.
final class ServerFixture: Sendable {
    static var packageRoot: URL { TestPackage.root }
    static var policies: PolicyConfiguration { ShippedVault.configuration }

    let directory: URL
    let api: CordonAPI
    /// Secrets by label: admin, dpo, ingest, analyst (all regions); dpo-eu, ingest-eu, admin-eu,
    /// analyst-eu (eu only). Analyst tokens may query for analytics.
    let tokens: [String: String]
    let tokenIDs: [String: String]

    /// A fixture whose vault is open (or sealed with a passphrase directory when `sealed`).
    init(sealed: Bool = false, configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory.create(prefix: "cordon-server")
        let source: MasterKeySource =
            sealed ? .passphrase(Array("correct horse".utf8)) : ShippedVault.keyFile(in: directory)
        try ShippedVault.initialize(at: directory, source: source)
        var configuration = ServerConfiguration(dataDirectory: directory)
        configuration.configDirectory = Self.packageRoot
        configuration.policies = Self.policies
        configuration.passphraseParameters = .testing
        configure(&configuration)
        var secrets: [String: String] = [:]
        var ids: [String: String] = [:]
        if sealed {
            api = CordonAPI(configuration: configuration, session: nil)
        } else {
            let vault = try ShippedVault.open(at: directory, source: source)
            let registry = try vault.tokenRegistry()
            let specs: [(String, TokenRole, TokenScope)] = [
                ("admin", .admin, .allRegions), ("dpo", .dpo, .allRegions), ("ingest", .ingest, .allRegions),
                ("analyst", .analyst, .allRegions), ("dpo-eu", .dpo, .regions(["eu"])),
                ("ingest-eu", .ingest, .regions(["eu"])),
                ("admin-eu", .admin, .regions(["eu"])), ("analyst-eu", .analyst, .regions(["eu"])),
            ]
            for (label, role, scope) in specs {
                let issued = try registry.create(
                    name: label,
                    role: role,
                    scope: scope,
                    purposes: role == .analyst ? [.analytics] : [],
                    context: AccessContext(actor: "test", role: .admin)
                )
                secrets[label] = issued.secret
                ids[label] = issued.token.id
            }
            api = CordonAPI(
                configuration: configuration,
                session: try VaultSession(vault: vault, configDirectory: Self.packageRoot)
            )
        }
        tokens = secrets
        tokenIDs = ids
    }

    deinit {
        try? api.slot.close()
        try? FileManager.default.removeItem(at: directory)
    }

    var vault: Vault { api.slot.session!.vault }

    /// One in-process call.
    @discardableResult
    func call(
        _ method: String,
        _ target: String,
        token: String? = nil,
        body: String? = nil,
        contentType: String? = nil,
        headers: [String: String] = [:],
        loopback: Bool = true
    ) -> Reply {
        var fields = headers
        if let token { fields["Authorization"] = "Bearer \(tokens[token] ?? token)" }
        if let contentType { fields["Content-Type"] = contentType }
        let response = api.respond(
            to: HTTPRequest(
                method: method,
                target: target,
                headers: fields,
                body: Array((body ?? "").utf8),
                clientIsLoopback: loopback
            )
        )
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// NDJSON ingest of `lines`.
    @discardableResult
    func ingest(_ kind: String, _ lines: [String], token: String = "ingest") -> Reply {
        call(
            "POST",
            "/v1/\(kind)",
            token: token,
            body: lines.joined(separator: "\n"),
            contentType: "application/x-ndjson"
        )
    }

    /// The subject id of `externalID`, through the DPO lookup.
    func subjectID(_ externalID: String) -> String? {
        let reply = call("GET", "/v1/subjects/lookup?externalId=\(externalID)", token: "dpo")
        return (reply.json?["subjects"] as? [[String: Any]])?.first?["subjectId"] as? String
    }

    /// Audit entries with this request id.
    func auditEntries(requestID: String) throws -> [AuditEntry] {
        try vault.auditEntries(in: 0..<vault.auditTreeSize).filter { $0.requestId == requestID }
    }

    // MARK: Lines

    static let recent = Timestamp.format(Date().addingTimeInterval(-86_400))

    static func subject(_ externalID: String, country: String, email: String? = nil) -> String {
        let pii = email.map { #","pii":{"email":"\#($0)","name":"Test Person"}"# } ?? ""
        return
            #"{"externalId":"\#(externalID)","country":"\#(country)","birthYear":1985\#(pii),"consents":[{"purpose":"analytics","state":"granted","source":"test","recordedAt":"\#(recent)"}],"signals":{"gpc":false}}"#
    }

    static func event(_ externalID: String, event: String = "page_view") -> String {
        #"{"externalId":"\#(externalID)","ts":"\#(recent)","event":"\#(event)","channel":"search","campaign":"cmp-17","device":"mobile","purpose":"analytics"}"#
    }
}

/// A response, with its JSON body parsed when it is JSON.
struct Reply: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    // The parsed body; [String: Any] is not Sendable, so it is parsed on each access.
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }

    var code: String? { json?["code"] as? String }

    /// The error's `message`, or empty.
    var message: String { json?["message"] as? String ?? "" }

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
