import CordonAudit
import CordonCrypto
import CordonStore
public import Foundation

extension Vault {
    /// Rectifies PII fields (GDPR Art. 16): each name must be a catalog PII field; an empty
    /// value removes the field. The profile is re-sealed under the subject's DEK and the
    /// email's blind index follows the new address.
    public func rectify(
        _ id: SubjectID,
        set changes: [String: String],
        context: AccessContext,
        dsrRequest: String? = nil,
        now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws {
        let fields = configuration.catalog.subjectFields.filter { $0.role == .pii }
        for (name, value) in changes {
            guard let field = fields.first(where: { $0.name == name }) else {
                throw VaultError(
                    .invalidRequest,
                    "'\(name)' is not a PII field of the catalog (fields: \(fields.map(\.name).joined(separator: ", ")))"
                )
            }
            if let maxLength = field.maxLength, value.count > maxLength {
                throw VaultError(.invalidRequest, "\(name) is longer than \(maxLength) characters")
            }
            if name == "email", !value.isEmpty, (try? BlindIndex.normalizedEmail(value)) == nil {
                throw VaultError(.invalidRequest, "the new email is not an email address")
            }
        }
        let (store, subject) = try requireSubject(id, action: .subjectRectify, context: context)
        if let dsrRequest {
            try validateAnswer(
                dsrRequest,
                kind: .rectification,
                subject: id,
                region: store.region.id,
                action: .subjectRectify,
                context: context
            )
        }
        try write(
            .region(store.region.id),
            context: context,
            { db in
                let dek = try store.dek(of: subject)
                var pii = try store.unseal(subject.sealedPII, for: id, using: dek)
                for (name, value) in changes {
                    pii[name] = value.isEmpty ? nil : value
                }
                let emailIndex = try pii["email"].map(store.emailIndex)
                try db.execute(
                    """
                    UPDATE subjects SET sealed_pii = \(try store.seal(pii, for: id, using: dek)), email_index = \(emailIndex),
                        updated_at = \(now) WHERE sid = \(subject.sid)
                    """
                )
            },
            entry: { _ in
                AuditRecord(
                    action: .subjectRectify,
                    regions: [store.region.id],
                    subjects: [id],
                    details: ["fields": .string(changes.keys.sorted().joined(separator: ","))]
                )
            }
        )
        recordAnswerAfterEffect(
            .rectification,
            region: store.region.id,
            subject: id,
            requestID: dsrRequest,
            outcome: "rectified",
            effect: "a rectification",
            context: context,
            now: now
        )
    }

    /// Records a consent change (grant, withdrawal, restriction, objection, or a CCPA opt-out
    /// of sale/share as `withdrawn`); ingest and queries honor it from the next call on.
    public func recordConsent(
        _ id: SubjectID,
        purpose: Purpose,
        state: ConsentState,
        source: String,
        context: AccessContext,
        dsrRequest: String? = nil,
        now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws {
        guard configuration.catalog.declares(purpose) else {
            throw VaultError(
                .invalidRequest,
                "'\(purpose)' is not a declared purpose (declared: \(configuration.catalog.purposes.map(\.purpose.rawValue).sorted().joined(separator: ", ")))"
            )
        }
        guard !source.isEmpty, source.count <= 200 else {
            throw VaultError(.invalidRequest, "the consent source must be 1 to 200 characters")
        }
        let (store, subject) = try requireSubject(id, action: .subjectConsent, context: context)
        let right = Self.right(for: state, purpose: purpose)
        if let dsrRequest {
            try validateAnswer(
                dsrRequest,
                kind: right,
                subject: id,
                region: store.region.id,
                action: .subjectConsent,
                context: context
            )
        }
        try write(
            .region(store.region.id),
            context: context,
            { db in
                try store.insertConsents(
                    [ConsentRecord(purpose: purpose, state: state, source: source, recordedAt: now)],
                    sid: subject.sid,
                    in: db
                )
                try db.execute("UPDATE subjects SET updated_at = \(now) WHERE sid = \(subject.sid)")
            },
            entry: { _ in
                AuditRecord(
                    action: .subjectConsent,
                    regions: [store.region.id],
                    purpose: purpose,
                    subjects: [id],
                    details: ["state": .string(state.rawValue)]
                )
            }
        )
        if let right {
            recordAnswerAfterEffect(
                right,
                region: store.region.id,
                subject: id,
                requestID: dsrRequest,
                outcome: "\(state.rawValue) recorded for \(purpose)",
                effect: "a consent change",
                context: context,
                now: now
            )
        }
    }
}
