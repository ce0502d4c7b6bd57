import CordonCrypto
import CordonStore
import Foundation

/// The rows of the breach register in `control.db`: internal, so the vault's audited
/// breach methods (``Vault/openBreach(_:now:context:)`` and its siblings) are the one door.
enum BreachRegister {
    /// A new breach id, `brc-` + 16 hex digits.
    static func newID() -> String { "brc-" + Hex.encode(SecureRandom.randomID(byteCount: 8)) }

    static func insert(_ breach: Breach, in db: Connection) throws {
        try db.execute(
            """
            INSERT INTO breaches(id, title, detected_at, regions, categories, subjects_estimate, nature, consequences,
                measures, contact, status, opened_at, opened_by, closed_at, closing_note)
            VALUES (\(breach.id), \(breach.title), \(UnixSeconds.from(breach.detectedAt)), \(joined(breach.regions.map(\.rawValue))),
                \(joined(breach.categories.map(\.rawValue))), \(breach.subjectsEstimate.map(Int64.init)), \(breach.nature),
                \(breach.consequences), \(breach.measures), \(breach.contact), \(breach.status.rawValue),
                \(UnixSeconds.from(breach.openedAt)), \(breach.openedBy), \(breach.closedAt.map(UnixSeconds.from)),
                \(breach.closingNote))
            """
        )
    }

    static func update(_ breach: Breach, in db: Connection) throws {
        try db.execute(
            """
            UPDATE breaches SET title = \(breach.title), regions = \(joined(breach.regions.map(\.rawValue))),
                categories = \(joined(breach.categories.map(\.rawValue))), subjects_estimate = \(breach.subjectsEstimate.map(Int64.init)),
                nature = \(breach.nature), consequences = \(breach.consequences), measures = \(breach.measures),
                contact = \(breach.contact), status = \(breach.status.rawValue), closed_at = \(breach.closedAt.map(UnixSeconds.from)),
                closing_note = \(breach.closingNote)
            WHERE id = \(breach.id)
            """
        )
    }

    static func insert(_ notification: Breach.Notification, of id: String, recordedAt: Date, in db: Connection) throws {
        try db.execute(
            """
            INSERT INTO breach_notifications(breach_id, region, recipient, outcome, notified_at, reference, recorded_at)
            VALUES (\(id), \(notification.region.rawValue), \(notification.recipient.rawValue), \(notification.outcome.rawValue),
                \(UnixSeconds.from(notification.notifiedAt)), \(notification.reference), \(UnixSeconds.from(recordedAt)))
            """
        )
    }

    /// The breach with this id and its notifications.
    /// - Throws: ``RegisterError/Code/unknownBreach``.
    static func fetch(id: String, in db: Connection) throws -> Breach {
        guard let row = try db.query("SELECT * FROM breaches WHERE id = \(id)").first else {
            throw RegisterError(.unknownBreach, "no breach with that id; list them with `cordon breach list --all`")
        }
        return try breach(row, notifications: notifications(of: id, in: db))
    }

    /// Every breach, newest detection first; only open ones unless `all`.
    static func list(all: Bool, in db: Connection) throws -> [Breach] {
        let rows =
            all
            ? try db.query("SELECT * FROM breaches ORDER BY detected_at DESC, id")
            : try db.query("SELECT * FROM breaches WHERE status = 'open' ORDER BY detected_at DESC, id")
        return try rows.map { row in
            let id = try row.get(String.self, "id")
            return try breach(row, notifications: notifications(of: id, in: db))
        }
    }

    private static func notifications(of id: String, in db: Connection) throws -> [Breach.Notification] {
        try db.query(
            "SELECT region, recipient, outcome, notified_at, reference FROM breach_notifications WHERE breach_id = \(id) ORDER BY region, recipient"
        ).map { row in
            guard let recipient = Breach.Recipient(rawValue: try row.get(String.self, "recipient")),
                let outcome = Breach.Notification.Outcome(rawValue: try row.get(String.self, "outcome"))
            else { throw damaged(id) }
            return Breach.Notification(
                region: RegionID(rawValue: try row.get(String.self, "region")),
                recipient: recipient,
                outcome: outcome,
                notifiedAt: UnixSeconds.date(try row.get(Int64.self, "notified_at")),
                reference: try row.get(String.self, "reference")
            )
        }
    }

    private static func breach(_ row: Row, notifications: [Breach.Notification]) throws -> Breach {
        let id = try row.get(String.self, "id")
        guard let status = Breach.Status(rawValue: try row.get(String.self, "status")) else { throw damaged(id) }
        return Breach(
            id: id,
            title: try row.get(String.self, "title"),
            detectedAt: UnixSeconds.date(try row.get(Int64.self, "detected_at")),
            regions: split(try row.get(String.self, "regions")).map(RegionID.init(rawValue:)),
            categories: split(try row.get(String.self, "categories")).map(DataCategory.init(rawValue:)),
            subjectsEstimate: try row.get(Int64?.self, "subjects_estimate").map(Int.init),
            nature: try row.get(String?.self, "nature"),
            consequences: try row.get(String?.self, "consequences"),
            measures: try row.get(String?.self, "measures"),
            contact: try row.get(String?.self, "contact"),
            status: status,
            openedAt: UnixSeconds.date(try row.get(Int64.self, "opened_at")),
            openedBy: try row.get(String.self, "opened_by"),
            closedAt: try row.get(Int64?.self, "closed_at").map(UnixSeconds.date),
            closingNote: try row.get(String?.self, "closing_note"),
            notifications: notifications
        )
    }

    private static func damaged(_ id: String) -> ControlError {
        ControlError(.damagedRecord, "breach \(id) holds a value this build does not understand; upgrade cordon")
    }

    private static func joined(_ values: [String]) -> String { values.joined(separator: ",") }

    private static func split(_ text: String) -> [String] {
        text.split(separator: ",").map(String.init)
    }
}
