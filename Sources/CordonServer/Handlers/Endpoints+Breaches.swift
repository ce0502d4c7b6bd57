public import CordonCore
import Foundation

struct OpenBreachBody: Decodable {
    var title: String
    var detectedAt: String
    var regions: [String]
    var categories: [String]?
    var subjectsEstimate: Int?
}

struct UpdateBreachBody: Decodable {
    var title: String?
    var regions: [String]?
    var categories: [String]?
    var subjectsEstimate: Int?
    var nature: String?
    var consequences: String?
    var measures: String?
    var contact: String?
}

struct NotifyBreachBody: Decodable {
    /// `authority` or `subjects`.
    var to: String
    /// When it was sent (default: now).
    var at: String?
    /// The case number or ticket; with `notRequired`, the reason.
    var reference: String
    /// Only these affected regions (default: all).
    var regions: [String]?
    var notRequired: Bool?
}

struct CloseBreachBody: Decodable {
    var note: String
}

struct BreachListResponse: Encodable {
    var breaches: [BreachStatus]
}

extension RegisterError: HTTPResponseError {
    /// A malformed field is 400; an unknown breach 404; a refusal by the register or the
    /// law (closed, already notified, mechanism, separate consent) 409.
    public var status: Int {
        switch code {
        case .invalidInput: 400
        case .unknownBreach: 404
        default: 409
        }
    }
    public var publicMessage: String { message }
}

/// The breach register under `/v1/breaches` (DPO and admin; confined to the token's
/// regions: a breach is visible only to a token that may act in every region it affects).
extension Endpoints {
    /// `GET /v1/breaches?all=true`.
    func listBreaches(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let all = request.query["all"] == "true"
        let now = Date()
        let breaches = try session.vault.listBreaches(all: all, context: context.access).filter { breach in
            breach.regions.allSatisfy { permits(context, region: $0) }
        }
        let statuses = breaches.map { BreachStatus(breach: $0, configuration: session.vault.configuration, now: now) }
        return try HTTPResponse.json(BreachListResponse(breaches: statuses)).audited()
    }

    /// `POST /v1/breaches`: registers a breach; 201 with its deadlines.
    func openBreach(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let body = try JSONBody.decode(OpenBreachBody.self, from: request)
        guard let detectedAt = Timestamp.parse(body.detectedAt) else {
            throw APIError.badRequest("detectedAt must be \(Timestamp.expectedForm)")
        }
        let regions = body.regions.map(RegionID.init(rawValue:))
        for region in regions { try authorize(context, region: region) }
        let now = Date()
        let breach = try session.vault.openBreach(
            BreachDraft(
                title: body.title,
                detectedAt: detectedAt,
                regions: regions,
                categories: (body.categories ?? []).map(DataCategory.init(rawValue:)),
                subjectsEstimate: body.subjectsEstimate
            ),
            now: now,
            context: context.access
        )
        return try HTTPResponse.json(
            BreachStatus(breach: breach, configuration: session.vault.configuration, now: now),
            status: 201
        ).audited()
    }

    /// `GET /v1/breaches/{id}`.
    func showBreach(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredBreach(context)
        let breach = try session.vault.showBreach(id, context: context.access)
        return try HTTPResponse.json(
            BreachStatus(breach: breach, configuration: session.vault.configuration, now: Date())
        )
        .audited()
    }

    /// `PATCH /v1/breaches/{id}`: only the fields given change.
    func updateBreach(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredBreach(context)
        let body = try JSONBody.decode(UpdateBreachBody.self, from: request)
        let regions = body.regions?.map(RegionID.init(rawValue:))
        for region in regions ?? [] { try authorize(context, region: region) }
        let now = Date()
        let breach = try session.vault.updateBreach(
            id,
            BreachChanges(
                title: body.title,
                regions: regions,
                categories: body.categories?.map(DataCategory.init(rawValue:)),
                subjectsEstimate: body.subjectsEstimate,
                nature: body.nature,
                consequences: body.consequences,
                measures: body.measures,
                contact: body.contact
            ),
            now: now,
            context: context.access
        )
        return try HTTPResponse.json(BreachStatus(breach: breach, configuration: session.vault.configuration, now: now))
            .audited()
    }

    /// `POST /v1/breaches/{id}/notifications`: records a notice sent (or not required).
    func notifyBreach(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredBreach(context)
        let body = try JSONBody.decode(NotifyBreachBody.self, from: request)
        guard let recipient = Breach.Recipient(rawValue: body.to) else {
            throw APIError.badRequest("to must be authority or subjects")
        }
        let now = Date()
        var notifiedAt = now
        if let text = body.at {
            guard let date = Timestamp.parse(text) else {
                throw APIError.badRequest("at must be \(Timestamp.expectedForm)")
            }
            notifiedAt = date
        }
        let breach = try session.vault.notifyBreach(
            id,
            to: recipient,
            regions: (body.regions ?? []).map(RegionID.init(rawValue:)),
            outcome: body.notRequired == true ? .notRequired : .sent,
            notifiedAt: notifiedAt,
            reference: body.reference,
            now: now,
            context: context.access
        )
        return try HTTPResponse.json(
            BreachStatus(breach: breach, configuration: session.vault.configuration, now: now),
            status: 201
        ).audited()
    }

    /// `POST /v1/breaches/{id}/close`.
    func closeBreach(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredBreach(context)
        let body = try JSONBody.decode(CloseBreachBody.self, from: request)
        let now = Date()
        let breach = try session.vault.closeBreach(id, note: body.note, now: now, context: context.access)
        return try HTTPResponse.json(BreachStatus(breach: breach, configuration: session.vault.configuration, now: now))
            .audited()
    }

    /// `GET /v1/breaches/{id}/scope?from=TIME&to=TIME`: counts in the breach's regions
    /// (default window: 30 days before detection to now).
    func breachScope(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredBreach(context)
        let breach = try session.vault.breach(id)
        func time(_ name: String) throws -> Date? {
            guard let text = request.query[name] else { return nil }
            guard let date = Timestamp.parse(text) else {
                throw APIError.badRequest("\(name) must be \(Timestamp.expectedForm)")
            }
            return date
        }
        let scope = try session.vault.breachScope(
            regions: breach.regions,
            from: try time("from") ?? breach.detectedAt.addingTimeInterval(-30 * 86_400),
            to: try time("to") ?? Date(),
            breachID: id,
            context: context.access
        )
        return try HTTPResponse.json(scope).audited()
    }

    /// `GET /v1/breaches/{id}/notice?region=eu&to=authority&format=md|json`.
    func breachNotice(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredBreach(context)
        guard let region = request.query["region"] else {
            throw APIError.badRequest("region is required: one of the breach's regions")
        }
        guard let recipient = Breach.Recipient(rawValue: request.query["to"] ?? "authority") else {
            throw APIError.badRequest("to must be authority or subjects")
        }
        let format = request.query["format"] ?? "json"
        guard format == "md" || format == "json" else { throw APIError.badRequest("format must be md or json") }
        let notice = try session.vault.breachNotice(
            id,
            region: RegionID(rawValue: region),
            to: recipient,
            now: Date(),
            context: context.access
        )
        if format == "md" {
            return HTTPResponse.text(notice.markdown, contentType: "text/markdown; charset=utf-8").audited()
        }
        return try HTTPResponse.json(notice).audited()
    }

    /// The `{id}` breach, after checking the token may act in every region it affects.
    private func registeredBreach(_ context: RequestContext) throws -> (VaultSession, String) {
        let session = try context.requireSession()
        guard let id = context.parameter("id") else { throw APIError.notFound }
        let breach = try session.vault.breach(id)
        for region in breach.regions { try authorize(context, region: region) }
        return (session, id)
    }
}
