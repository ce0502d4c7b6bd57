import CordonAudit
import CordonCrypto
import CordonStore
public import Foundation

extension Vault {
    /// Saves a query under a name for the analyst, after parsing and validating it with the
    /// catalog: stored are its canonical text (its release identity: running it again asks
    /// exactly the question released before) and the text as written (what runs, with its
    /// aliases, ORDER BY and LIMIT). Audited as `query.save` in the same transaction (the
    /// anchored write door); a refusal is audited too, with the text's digest only.
    ///
    /// ```swift
    /// let saved = try vault.saveQuery("buyers-by-channel", "SELECT channel, COUNT(DISTINCT subject) FROM events GROUP BY channel",
    ///                                 purpose: .analytics, analyst: "ana", context: context)
    /// ```
    /// - Throws: ``SavedQueryError`` (name malformed or taken), ``QueryError`` (the query or
    ///   the purpose is refused), ``VaultError``.
    @discardableResult
    public func saveQuery(
        _ name: String,
        _ text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext,
        options: QueryOptions = QueryOptions(),
        now: Date = Date()
    ) throws -> SavedQuery {
        let canonical: String
        do {
            canonical = try canonicalSavedQuery(name, text, purpose: purpose, analyst: analyst, options: options)
        } catch {
            try recordQuery(
                context,
                action: .querySave,
                regions: [],
                purpose: purpose,
                query: nil,
                cost: nil,
                outcome: .denied,
                reason: String(String(describing: error).prefix(300)),
                details: [
                    "analyst": .string(analyst), "query.sha256": .string(Hex.encode(SHA256.hash(Array(text.utf8)))),
                ]
            )
            throw error
        }
        let savedAt = UnixSeconds.truncate(now)
        let saved = SavedQuery(
            name: name,
            analyst: analyst,
            query: canonical,
            text: text,
            purpose: purpose,
            savedAt: CivilTime.timestampLabel(UnixSeconds.from(savedAt))
        )
        try write(
            .control,
            context: context,
            { db in
                do {
                    try db.execute(
                        """
                        INSERT INTO saved_queries(analyst, name, query, text, purpose, saved_at, saved_by)
                        VALUES (\(analyst), \(name), \(canonical), \(text), \(purpose.rawValue), \(UnixSeconds.from(savedAt)), \(context.actor))
                        """
                    )
                } catch let error as StoreError where error.code == .constraint {
                    throw SavedQueryError(
                        .nameTaken,
                        "you already saved a query named '\(name)'; choose another name (list yours with `cordon query saved`)"
                    )
                }
            },
            entry: { _ in
                AuditRecord(
                    action: .querySave,
                    purpose: purpose,
                    query: canonical,
                    details: ["analyst": .string(analyst), "name": .string(name)]
                )
            }
        )
        return saved
    }

    /// The canonical text of a query that may be saved under `name`; throws what refuses it.
    private func canonicalSavedQuery(
        _ name: String,
        _ text: String,
        purpose: Purpose,
        analyst: String,
        options: QueryOptions
    ) throws -> String {
        guard SavedQuery.isValidName(name) else {
            throw SavedQueryError(
                .invalidName,
                "a saved query's name is 1-64 characters of A-Z a-z 0-9 _ . - (e.g. buyers-by-channel)"
            )
        }
        try Self.checkAnalystName(analyst)
        if let refusal = configuration.catalog.queryRefusal(for: purpose) { throw QueryError(.purpose, refusal) }
        if let permitted = options.permittedPurposes, !permitted.contains(purpose) {
            throw QueryError(
                .purposeNotPermitted,
                "this token may query only for: \(permitted.sorted().map(\.rawValue).joined(separator: ", ")); '\(purpose)' is not one of them"
            )
        }
        return try QueryValidator(catalog: configuration.catalog).validate(try QueryParser.parse(text))
            .canonicalText
    }

    /// The analyst's saved queries, by name. Audited as `query.saved.list`.
    public func savedQueries(analyst: String, context: AccessContext) throws -> [SavedQuery] {
        let saved = try control.read("list saved queries") { db in
            try db.query(
                "SELECT name, analyst, query, text, purpose, saved_at FROM saved_queries WHERE analyst = \(analyst) ORDER BY name"
            ).map(Self.savedQuery)
        }
        try record(
            context,
            action: .querySavedList,
            details: ["analyst": .string(analyst), "count": .integer(Int64(saved.count))]
        )
        return saved
    }

    /// Runs the analyst's saved query `name` like ``query(_:purpose:analyst:context:options:)``
    /// (within a budget period, the released answer again, for free). Another analyst's
    /// query of the same name is never found.
    /// - Throws: ``SavedQueryError/Code/unknownQuery`` (audited as a denied `query.run`), or
    ///   what running the query throws.
    public func runSavedQuery(
        _ name: String,
        analyst: String,
        context: AccessContext,
        options: QueryOptions = QueryOptions()
    ) throws -> QueryAnswer {
        let found = try control.read("read a saved query") { db in
            try db.query(
                "SELECT name, analyst, query, text, purpose, saved_at FROM saved_queries WHERE analyst = \(analyst) AND name = \(name)"
            ).map(Self.savedQuery).first
        }
        guard let found else {
            let error = SavedQueryError(
                .unknownQuery,
                "you have no saved query named '\(name)'; list yours with `cordon query saved` (GET /v1/queries)"
            )
            try record(
                context,
                action: .queryRun,
                outcome: .denied,
                reason: error.message,
                details: ["analyst": .string(analyst), "error": .string(error.code.name)]
            )
            throw error
        }
        return try query(found.text, purpose: found.purpose, analyst: analyst, context: context, options: options)
    }

    /// Refuses a malformed budget holder name (the rule ``prepare`` applies to every query).
    static func checkAnalystName(_ analyst: String) throws {
        guard !analyst.isEmpty, analyst.count <= 128,
            analyst.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@:".contains($0)) })
        else {
            throw QueryError(.invalid, "an analyst name is 1-128 ASCII letters, digits and - _ . @ :")
        }
    }

    private static func savedQuery(_ row: Row) throws -> SavedQuery {
        SavedQuery(
            name: try row.get(String.self, "name"),
            analyst: try row.get(String.self, "analyst"),
            query: try row.get(String.self, "query"),
            text: try row.get(String.self, "text"),
            purpose: Purpose(rawValue: try row.get(String.self, "purpose")),
            savedAt: CivilTime.timestampLabel(try row.get(Int64.self, "saved_at"))
        )
    }
}
