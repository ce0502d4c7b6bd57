import CordonCrypto
import CordonSystem

/// A validated subject line:
/// `{"externalId":..,"country":..,"birthYear":..,"pii":{..},"consents":[..],"signals":{"gpc":..}}`.
public struct SubjectLine: Sendable {
    public var externalID: String
    /// `externalID` after `BlindIndex.normalizedIdentifier` (what every region indexes).
    public var normalizedExternalID: String
    public var country: CountryCode
    public var region: RegionID
    public var birthYear: Int?
    /// Catalog PII fields present on the line (email normalized for its index only).
    public var pii: [String: String]
    public var consents: [ConsentRecord]
    public var globalPrivacyControl: Bool?

    static let topLevelKeys = ["externalId", "country", "birthYear", "pii", "consents", "signals"]
    static let consentKeys = ["purpose", "state", "source", "recordedAt", "expiresAt"]

    /// Validates `bytes` against the catalog and resolves the region from the country;
    /// consents must have been recorded within `times` and expire after they were recorded.
    public static func parse(
        _ bytes: [UInt8],
        configuration: PolicyConfiguration,
        times: PlausibleTimes = .current()
    ) throws(LineRejection) -> SubjectLine {
        let catalog = configuration.catalog
        let top = try FieldReader(try JSONParser.parseLine(bytes), path: "", allowed: topLevelKeys)
        let idField = catalog.subjectField(named: "externalId")
        let externalID = try top.string("externalId", maxLength: idField?.maxLength ?? 128, required: true)!
        let normalizedExternalID: String
        do {
            normalizedExternalID = try BlindIndex.normalizedIdentifier(externalID)
        } catch {
            throw .invalid("externalId", "is not a usable identifier")
        }

        let countryText = try top.string("country", maxLength: 8, required: true)!
        guard let region = configuration.region(ofCountry: countryText),
            let country = CountryCode(normalizing: countryText)
        else {
            throw LineRejection(
                reason: .unknownCountry,
                field: "country",
                message:
                    "country '\(countryText)' maps to no region (it must be an ISO 3166-1 alpha-2 code that a region in regions/ lists)"
            )
        }
        let yearField = catalog.subjectField(named: "birthYear")
        let birthYear = try top.integer(
            "birthYear",
            minimum: yearField?.minimum,
            maximum: yearField?.maximum,
            required: false
        )

        let pii = try piiFields(of: top, catalog: catalog)
        let consents = try consentRecords(of: top, catalog: catalog, times: times)
        var gpc: Bool?
        if let signals = top.value("signals") {
            gpc = try FieldReader(signals, path: "signals", allowed: ["gpc"]).bool("gpc")
        }
        return SubjectLine(
            externalID: externalID,
            normalizedExternalID: normalizedExternalID,
            country: country,
            region: region.id,
            birthYear: birthYear,
            pii: pii,
            consents: consents,
            globalPrivacyControl: gpc
        )
    }

    /// The catalog's PII fields on the line; an email must be one (it is indexed).
    private static func piiFields(of top: FieldReader, catalog: Catalog) throws(LineRejection) -> [String: String] {
        var pii: [String: String] = [:]
        if let value = top.value("pii") {
            let piiFields = catalog.subjectFields.filter { $0.role == .pii }
            let reader = try FieldReader(value, path: "pii", allowed: piiFields.map(\.name))
            for field in piiFields {
                if let text = try reader.string(field.name, maxLength: field.maxLength, required: false) {
                    pii[field.name] = text
                }
            }
            if let email = pii["email"] {
                do {
                    _ = try BlindIndex.normalizedEmail(email)
                } catch {
                    throw .invalid("pii.email", "is not an email address")
                }
            }
        }
        return pii
    }

    /// The line's consent records, each recorded within `times` and expiring after it.
    private static func consentRecords(
        of top: FieldReader,
        catalog: Catalog,
        times: PlausibleTimes
    ) throws(LineRejection) -> [ConsentRecord] {
        var consents: [ConsentRecord] = []
        for (index, item) in try top.objectArray("consents").enumerated() {
            let reader = try FieldReader(item, path: "consents[\(index)]", allowed: consentKeys)
            let purpose = try reader.purpose("purpose", catalog: catalog, required: true)!
            let stateText = try reader.string("state", maxLength: 32, required: true)!
            guard let state = ConsentState(rawValue: stateText) else {
                throw .invalid(
                    "consents[\(index)].state",
                    "'\(stateText)' is not a consent state (granted, withdrawn, restricted, objected)"
                )
            }
            let source = try reader.string("source", maxLength: 200, required: true)!
            let recordedAt = try reader.timestamp("recordedAt", required: true, within: times)!
            let expiresAt = try reader.timestamp("expiresAt", required: false, within: nil)
            if let expiresAt, expiresAt <= recordedAt {
                throw .invalid("consents[\(index)].expiresAt", "is not after recordedAt")
            }
            consents.append(
                ConsentRecord(
                    purpose: purpose,
                    state: state,
                    source: source,
                    recordedAt: recordedAt,
                    expiresAt: expiresAt
                )
            )
        }
        return consents
    }
}
