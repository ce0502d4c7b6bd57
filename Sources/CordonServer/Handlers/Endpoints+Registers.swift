import CordonCore
import Foundation

struct TransferRequestBody: Decodable {
    var subjectId: String
    /// ISO 3166-1 alpha-2 destination.
    var to: String
    var mechanism: String
    var reference: String?
    var sensitive: Bool?
    /// Retired: the gate reads the person's recorded consent. Refused when sent, so a
    /// client written for the first version learns why instead of being ignored.
    var separateConsent: String?
}

struct TransferListResponse: Encodable {
    var transfers: [Transfer]
}

/// The record of processing and the transfer gate (DPO and admin).
extension Endpoints {
    /// `GET /v1/ropa?format=json|md|csv`.
    func processingRecord(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let format = request.query["format"] ?? "json"
        guard ["json", "md", "csv"].contains(format) else {
            throw APIError.badRequest("format must be json, md or csv")
        }
        let record = try session.vault.processingRecord(now: Date(), context: context.access)
        switch format {
        case "md": return HTTPResponse.text(record.markdown, contentType: "text/markdown; charset=utf-8").audited()
        case "csv": return HTTPResponse.text(record.csv, contentType: "text/csv; charset=utf-8").audited()
        default: return try HTTPResponse.json(record).audited()
        }
    }

    /// `GET /v1/transfers?year=YYYY`, in the token's regions.
    func listTransfers(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        var year: Int?
        if let text = request.query["year"] {
            guard let value = Int(text), (1970...9999).contains(value) else {
                throw APIError.badRequest("year must be a calendar year such as 2026")
            }
            year = value
        }
        let transfers = try session.vault.listTransfers(year: year, context: context.access) {
            permits(context, region: $0)
        }
        return try HTTPResponse.json(TransferListResponse(transfers: transfers)).audited()
    }

    /// `POST /v1/transfers`: 201 with the record, the year's count and tier warnings; 409
    /// `mechanism_not_allowed`, `separate_consent_required` (no current grant recorded for
    /// `cross_border_transfer`), `transfer_not_lawful` or `not_cross_border` when refused.
    func requestTransfer(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let body = try JSONBody.decode(TransferRequestBody.self, from: request)
        guard body.separateConsent == nil else {
            throw APIError.badRequest(
                "separateConsent is no longer taken: record the person's consent with POST /v1/subjects/{id}/consents (purpose cross_border_transfer, state granted, source: your reference); the gate reads it"
            )
        }
        guard let mechanism = TransferMechanism(rawValue: body.mechanism) else {
            throw APIError.badRequest(
                "mechanism must be one of \(TransferMechanism.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let region = try session.vault.governingRegion(nil, subject: body.subjectId)
        try authorize(context, region: region)
        let receipt = try session.vault.requestTransfer(
            TransferDraft(
                subjectID: body.subjectId,
                destination: body.to,
                mechanism: mechanism,
                reference: body.reference,
                sensitive: body.sensitive ?? false
            ),
            now: Date(),
            context: context.access
        )
        return try HTTPResponse.json(receipt, status: 201).audited()
    }
}

extension Endpoints {
    /// The routes of the breach register, the record of processing and the transfer gate.
    func registerRegisterRoutes(_ router: inout Router) {
        router.add("GET", "/v1/breaches", operation: .registers, listBreaches)
        router.add("POST", "/v1/breaches", operation: .registers, openBreach)
        router.add("GET", "/v1/breaches/{id}", operation: .registers, showBreach)
        router.add("PATCH", "/v1/breaches/{id}", operation: .registers, updateBreach)
        router.add("POST", "/v1/breaches/{id}/notifications", operation: .registers, notifyBreach)
        router.add("POST", "/v1/breaches/{id}/close", operation: .registers, closeBreach)
        router.add("GET", "/v1/breaches/{id}/scope", operation: .registers, breachScope)
        router.add("GET", "/v1/breaches/{id}/notice", operation: .registers, breachNotice)
        router.add("GET", "/v1/ropa", operation: .registers, processingRecord)
        router.add("GET", "/v1/transfers", operation: .registers, listTransfers)
        router.add("POST", "/v1/transfers", operation: .registers, requestTransfer)
    }
}
