import CordonAudit
import CordonCore

/// Records every request in the audit trail (fail closed): a success that a vault
/// operation already recorded adds nothing; anything else — a read the vault does not
/// audit, and every refusal or failure (401 as `auth.failure`, others as `http.request`) —
/// gets its own entry with the route template, method, status and error code. If that
/// entry cannot be made durable the client gets `503 audit_unavailable`, never the data.
///
/// Not recorded: liveness probes (`/healthz`, `/readyz`), successful metrics scrapes, and
/// anything while the vault is sealed, when there is no audit trail to write to (and
/// nothing but probes and unseal is served). A scrape returns only aggregate counters (no
/// subject, token or request data); recording it would make `/metrics` fail closed during
/// an audit outage — the one time `cordon_audit_writable 0` must be readable — and fill
/// the trail with an entry per scrape. A refused scrape (401, 403) is recorded.
struct AuditMiddleware: Middleware {
    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse {
        let response = try next.respond(to: request, context: context)
        guard context.isAudited, let session = context.session else { return response }
        if response.auditedByOperation && response.status < 400 { return response }
        if context.operation == .metrics && response.status < 400 { return response }
        let outcome: AuditOutcome = response.status < 400 ? .ok : response.status >= 500 ? .error : .denied
        do {
            try session.vault.recordAccess(
                context.access,
                action: response.status == 401
                    ? .authFailure : response.status == 421 ? .requestMisdirected : .httpRequest,
                regions: context.regions,
                subjects: context.subjects,
                outcome: outcome,
                reason: response.errorCode,
                details: [
                    "method": request.method, "route": context.route ?? "unmatched", "status": String(response.status),
                ]
            )
        } catch {
            return HTTPResponse.error(APIError.auditUnavailable, requestID: context.requestID)
        }
        return response
    }
}
