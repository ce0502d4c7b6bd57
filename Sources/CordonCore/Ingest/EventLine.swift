import CordonCrypto
import CordonSystem

/// A validated event line; its fields are exactly the catalog's event fields.
///
/// Public so that tools (a dry run, the benchmark's plain-SQLite baseline) validate lines
/// exactly as ingest does.
public struct EventLine: Sendable {
    public var externalID: String
    /// `externalID` after `BlindIndex.normalizedIdentifier` (what every region indexes).
    public var normalizedExternalID: String
    public var timestamp: Int64
    public var event: String
    public var channel: String?
    public var campaign: String?
    public var device: String?
    public var amountCents: Int?
    public var purpose: Purpose

    /// The optional field naming the subject's country on an event line: a routing hint
    /// for region nodes (decision 0024), not one of the catalog's stored fields.
    public static let routingField = "country"

    /// Validates `bytes` against the catalog's event fields (and the optional ``routingField``); the event's time must lie
    /// within `times`.
    public static func parse(
        _ bytes: [UInt8],
        catalog: Catalog,
        times: PlausibleTimes = .current()
    ) throws(LineRejection) -> EventLine {
        let declared = catalog.eventFields.map(\.name)
        let routingHint = declared.contains(routingField) ? [] : [routingField]
        let reader = try FieldReader(try JSONParser.parseLine(bytes), path: "", allowed: declared + routingHint)
        // The subject's country, for region nodes (decision 0024): lets a caller and a node
        // route the line without the subject's record; read as text, never stored.
        if !routingHint.isEmpty { _ = try reader.string(routingField, maxLength: 8, required: false) }
        var strings: [String: String] = [:]
        var timestamp: Int64?
        var amount: Int?
        var purpose: Purpose?
        for field in catalog.eventFields {
            switch field.type {
            case .string, .countryCode:
                strings[field.name] = try reader.string(
                    field.name,
                    maxLength: field.maxLength,
                    required: field.isRequired
                )
            case .enumeration:
                if let text = try reader.string(field.name, maxLength: 64, required: field.isRequired) {
                    guard field.values?.contains(text) ?? true else {
                        throw .invalid(
                            field.name,
                            "must be one of \((field.values ?? []).joined(separator: ", ")) (the value given is not repeated: it may be personal data)"
                        )
                    }
                    strings[field.name] = text
                }
            case .integer:
                amount = try reader.integer(
                    field.name,
                    minimum: field.minimum,
                    maximum: field.maximum,
                    required: field.isRequired
                )
            case .timestamp:
                timestamp = try reader.timestamp(field.name, required: field.isRequired, within: times)
            case .purpose:
                purpose = try reader.purpose(field.name, catalog: catalog, required: field.isRequired)
            }
        }
        guard let externalID = strings["externalId"], let event = strings["event"], let timestamp, let purpose else {
            throw .invalid(
                "externalId",
                "the catalog must declare externalId, event, ts and purpose as required event fields"
            )
        }
        guard let normalizedExternalID = try? BlindIndex.normalizedIdentifier(externalID) else {
            throw .invalid("externalId", "is not a usable identifier")
        }
        return EventLine(
            externalID: externalID,
            normalizedExternalID: normalizedExternalID,
            timestamp: timestamp,
            event: event,
            channel: strings["channel"],
            campaign: strings["campaign"],
            device: strings["device"],
            amountCents: amount,
            purpose: purpose
        )
    }
}
