import CordonCrypto
import CordonStore

/// A subject's row as stored (PII still sealed).
struct StoredSubject: Sendable {
    var sid: Int64
    var id: SubjectID
    var country: CountryCode
    var birthYear: Int?
    var globalPrivacyControl: Bool
    var sealedPII: [UInt8]
    var wrappedDEK: [UInt8]
    var kekVersion: Int
    var createdAt: Int64
    var updatedAt: Int64
}

extension RegionStore {
    private static let subjectColumns: SQL = """
        s.sid, s.id, s.country, s.birth_year, s.gpc, s.sealed_pii, k.wrapped_dek, k.kek_version, s.created_at, s.updated_at
        """

    func subject(externalIndex: [UInt8], in db: Connection) throws -> StoredSubject? {
        try db.query(
            "SELECT \(literal: Self.subjectColumns) FROM subjects s JOIN subject_keys k ON k.sid = s.sid WHERE s.external_index = \(externalIndex)"
        )
        .first.map(Self.decodeSubject)
    }

    func subjects(emailIndex: [UInt8], in db: Connection) throws -> [StoredSubject] {
        try db.query(
            "SELECT \(literal: Self.subjectColumns) FROM subjects s JOIN subject_keys k ON k.sid = s.sid WHERE s.email_index = \(emailIndex)"
        )
        .map(Self.decodeSubject)
    }

    func subject(id: SubjectID, in db: Connection) throws -> StoredSubject? {
        try db.query(
            "SELECT \(literal: Self.subjectColumns) FROM subjects s JOIN subject_keys k ON k.sid = s.sid WHERE s.id = \(id.rawValue)"
        )
        .first.map(Self.decodeSubject)
    }

    private static func decodeSubject(_ row: Row) throws -> StoredSubject {
        let idText = try row.get(String.self, at: 1)
        let countryText = try row.get(String.self, at: 2)
        guard let id = SubjectID(rawValue: idText), let country = CountryCode(rawValue: countryText) else {
            throw VaultError(.corrupt, "a subject row holds an invalid id or country")
        }
        return StoredSubject(
            sid: try row.get(Int64.self, at: 0),
            id: id,
            country: country,
            birthYear: try row.get(Int?.self, at: 3),
            globalPrivacyControl: try row.get(Bool.self, at: 4),
            sealedPII: try row.get([UInt8].self, at: 5),
            wrappedDEK: try row.get([UInt8].self, at: 6),
            kekVersion: try row.get(Int.self, at: 7),
            createdAt: try row.get(Int64.self, at: 8),
            updatedAt: try row.get(Int64.self, at: 9)
        )
    }

    /// The subject's consent history, oldest first.
    func consentHistory(sid: Int64, in db: Connection) throws -> [ConsentRecord] {
        try db.query(
            "SELECT purpose, state, source, recorded_at, expires_at FROM consents WHERE sid = \(sid) ORDER BY recorded_at, id"
        )
        .map { row in
            guard let state = ConsentState(rawValue: try row.get(String.self, at: 1)) else {
                throw VaultError(.corrupt, "a consent row holds an unknown state")
            }
            return ConsentRecord(
                purpose: Purpose(rawValue: try row.get(String.self, at: 0)),
                state: state,
                source: try row.get(String.self, at: 2),
                recordedAt: try row.get(Int64.self, at: 3),
                expiresAt: try row.get(Int64?.self, at: 4)
            )
        }
    }

    /// What the policy needs to decide on a purpose for this subject.
    func standing(of subject: StoredSubject, in db: Connection) throws -> SubjectStanding {
        SubjectStanding(
            country: subject.country,
            birthYear: subject.birthYear,
            globalPrivacyControl: subject.globalPrivacyControl,
            latestConsents: SubjectStanding.latest(of: try consentHistory(sid: subject.sid, in: db))
        )
    }

    func insertConsents(_ records: [ConsentRecord], sid: Int64, in db: Connection) throws {
        for record in records {
            try db.execute(
                """
                INSERT INTO consents(sid, purpose, state, source, recorded_at, expires_at)
                VALUES (\(sid), \(record.purpose.rawValue), \(record.state.rawValue), \(record.source), \(record.recordedAt), \(record.expiresAt))
                """
            )
        }
    }

    /// Deletes a subject's events, consents, wrapped DEK and profile inside the caller's
    /// transaction — the rows of an erasure; without the DEK the sealed PII can never be
    /// opened again (crypto-shredding), and `secure_delete` overwrites the freed pages.
    /// Returns the rows deleted per table (`events`, `consents`, `subjects`).
    static func deleteSubject(sid: Int64, in db: Connection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try db.execute("DELETE FROM events WHERE sid = \(sid)")
        counts["events"] = db.changes
        try db.execute("DELETE FROM consents WHERE sid = \(sid)")
        counts["consents"] = db.changes
        try db.execute("DELETE FROM subject_keys WHERE sid = \(sid)")
        try db.execute("DELETE FROM subjects WHERE sid = \(sid)")
        counts["subjects"] = db.changes
        return counts
    }

    /// The subject's DEK, unwrapped with the KEK version that wrapped it.
    func dek(of subject: StoredSubject) throws -> SubjectDEK {
        do {
            return try keyring.unwrapDEK(
                subject.wrappedDEK,
                kekVersion: subject.kekVersion,
                subjectID: subject.id.rawValue
            )
        } catch {
            throw VaultError(
                .corrupt,
                "the key of subject \(subject.id) in region \(region.id) does not unwrap (\(error))",
                underlying: error
            )
        }
    }
}
