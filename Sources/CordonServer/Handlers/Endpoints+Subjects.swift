import CordonCore
import Foundation

/// Bodies of the subject endpoints.
struct RectifyBody: Decodable {
    /// PII fields to set; an empty value removes the field.
    var set: [String: String]
    var dsrRequest: String?
}

struct ExportBody: Decodable {
    /// The registered access request this export answers.
    var dsrRequest: String?
}

struct ConsentBody: Decodable {
    var purpose: String
    var state: String
    var source: String
    var dsrRequest: String?
}

struct SubjectsResponse: Encodable {
    var subjects: [SubjectLocation]
    /// Regions of the token that could not be searched, with their code (an email lookup
    /// that matched elsewhere); absent when every region answered.
    var unavailableRegions: [String: String]?
}

struct RectifyResponse: Encodable {
    var subjectId: SubjectID
    var fields: [String]
}

struct ConsentResponse: Encodable {
    var subjectId: SubjectID
    var purpose: String
    var state: String
    var source: String
}

extension Endpoints {
    /// `GET /v1/subjects/lookup?externalId=|email=`: matches in the token's regions only,
    /// searching only those (another region's damage never fails this token's lookups).
    func lookup(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        try requireNamedRegionServed(request, context)
        let reference: Vault.SubjectReference
        switch (request.query["externalId"], request.query["email"]) {
        case (let externalID?, nil): reference = .externalID(externalID)
        case (nil, let email?): reference = .email(email)
        default: throw APIError.badRequest("give exactly one of externalId and email")
        }
        let regions = session.vault.regionIDs.filter { permits(context, region: $0) }
        let found = try session.vault.find(reference, in: regions, context: context.access)
        return try HTTPResponse.json(
            SubjectsResponse(
                subjects: found.subjects,
                unavailableRegions: found.unavailableRegions.isEmpty ? nil : found.unavailableRegions
            )
        ).audited()
    }

    /// `GET /v1/subjects/{id}`: where the subject lives (no personal data).
    func subject(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let id = try subjectID(context)
        try requireNamedRegionServed(request, context)
        let (session, _) = try locate(id, context)
        guard let location = try session.vault.lookup(.id(id), context: context.access).first else {
            throw VaultError(.subjectNotFound, "no such subject")
        }
        return try HTTPResponse.json(location).audited()
    }

    /// `POST /v1/subjects/{id}/export`: the access/portability package, answering the
    /// registered access request named in the body (`{"dsrRequest": "dsr-…"}`, or the
    /// `dsrRequest` query argument) or, without one, registering one as received and
    /// answered now.
    ///
    /// A POST because answering a request changes the register; there is no GET (the router
    /// answers 405 with `Allow: POST`): a GET or HEAD — which clients, proxies and link
    /// checkers send and repeat freely — must never complete or register a request, and an
    /// export that answered no request would leave the register without the answer it gave.
    func export(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let id = try subjectID(context)
        try requireNamedRegionServed(request, context)
        let body = request.body.isEmpty ? ExportBody() : try JSONBody.decode(ExportBody.self, from: request)
        // Also as a query argument, as DELETE takes it (and GET used to): never ignored.
        let named = request.query["dsrRequest"]
        if let named, let inBody = body.dsrRequest, named != inBody {
            throw APIError.badRequest("dsrRequest differs between the query and the body")
        }
        let (session, _) = try locate(id, context)
        let export = try session.vault.export(id, context: context.access, dsrRequest: body.dsrRequest ?? named)
        return try HTTPResponse.personalDataJSON(export).audited()
    }

    /// `DELETE /v1/subjects/{id}`: crypto-shredding erasure with a signed receipt.
    /// Erasing an erased subject returns its original receipt, so the region to authorize
    /// is also found among erasures.
    func erase(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let id = try subjectID(context)
        try requireNamedRegionServed(request, context)
        let session = try context.requireSession()
        guard let region = try session.vault.region(of: id) ?? session.vault.erasedRegion(of: id) else {
            throw subjectNotHere()
        }
        try authorize(context, region: region)
        let receipt = try session.vault.erase(id, context: context.access, dsrRequest: request.query["dsrRequest"])
        return try HTTPResponse.json(receipt).audited()
    }

    /// `PATCH /v1/subjects/{id}`: rectification of PII fields.
    func rectify(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let id = try subjectID(context)
        try requireNamedRegionServed(request, context)
        let body = try JSONBody.decode(RectifyBody.self, from: request)
        guard !body.set.isEmpty else { throw APIError.badRequest("'set' names no field") }
        let (session, _) = try locate(id, context)
        try session.vault.rectify(id, set: body.set, context: context.access, dsrRequest: body.dsrRequest)
        return try HTTPResponse.json(RectifyResponse(subjectId: id, fields: body.set.keys.sorted())).audited()
    }

    /// `POST /v1/subjects/{id}/consents`: a consent change (grant, withdrawal, restriction,
    /// objection).
    func recordConsent(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let id = try subjectID(context)
        try requireNamedRegionServed(request, context)
        let body = try JSONBody.decode(ConsentBody.self, from: request)
        guard let state = ConsentState(rawValue: body.state) else {
            throw APIError.badRequest(
                "state must be one of \(ConsentState.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let (session, _) = try locate(id, context)
        try session.vault.recordConsent(
            id,
            purpose: Purpose(rawValue: body.purpose),
            state: state,
            source: body.source,
            context: context.access,
            dsrRequest: body.dsrRequest
        )
        return try HTTPResponse.json(
            ConsentResponse(subjectId: id, purpose: body.purpose, state: state.rawValue, source: body.source),
            status: 201
        ).audited()
    }
}
