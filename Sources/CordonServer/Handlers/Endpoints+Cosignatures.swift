import CordonAudit
public import CordonCore
import Foundation

extension Endpoints {
    /// `POST /v1/audit/cosignatures` (`text/plain`): a checkpoint this node issued followed
    /// by a peer's cosignature line(s) (C2SP tlog-cosignature). Stores each valid cosignature
    /// by a configured witness (`201`, audited as `witness.receive`); `400
    /// malformed_cosignature` for a body that is not such a note, `403` for a checkpoint not
    /// of this node's trail (`not_our_checkpoint`), a line naming a configured witness that
    /// does not verify (`forged_cosignature`) or no line by a configured witness
    /// (`unknown_witness`) — each with the reason, nothing stored.
    func receiveCosignatures(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        guard let note = String(bytes: request.body, encoding: .utf8) else {
            throw WitnessError(.malformedCosignature, "the body is not UTF-8 text; send the cosigned checkpoint note")
        }
        let received = try session.vault.acceptCosignatures(
            note,
            witnesses: witnesses.current,
            context: context.access
        )
        return try HTTPResponse.json(["cosignatures": received], status: 201).audited()
    }

    /// `GET /v1/audit/cosignatures?limit=`: the cosignatures received for this node's trail
    /// (newest size first), the peers this node witnesses with their last verified size and
    /// any alarm, and the alarms raised (audited as `witness.list`).
    func listCosignatures(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let limit = try unsigned(request, "limit") ?? 100
        guard (1...1000).contains(limit) else { throw APIError.badRequest("limit must be between 1 and 1000") }
        let report = try session.vault.witnessReport(limit: Int(limit), context: context.access)
        return try HTTPResponse.json(report).audited()
    }
}

extension WitnessError: HTTPResponseError {
    /// A note that is not one: `400`; one this node refuses to take: `403`; a round that
    /// could not reach its peer (from `cordon audit witness`): `502`.
    public var status: Int {
        switch code {
        case .malformedCosignature, .invalidPeer: 400
        case .notOurCheckpoint, .unknownWitness, .forgedCosignature, .peerChanged: 403
        default: 502
        }
    }
    public var publicMessage: String { message }
}
