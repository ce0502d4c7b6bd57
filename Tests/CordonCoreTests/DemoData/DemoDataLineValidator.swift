import Foundation

@testable import CordonCore
@testable import CordonDemoData

/// An independent reading of demo lines against the configuration, the way ingest would
/// judge them: each line is valid, has exactly one deliberate defect, or is a problem the
/// generator should never produce.
struct DemoDataLineValidator {
    let configuration: PolicyConfiguration
    /// Anything wrong that is not a deliberate defect (wrong types, bad timestamps, …).
    var problems: [String] = []

    init(configuration: PolicyConfiguration) { self.configuration = configuration }

    private var catalog: Catalog { configuration.catalog }

    /// The top-level keys of a subject line: the catalog's non-PII fields plus the line format's
    /// `pii`, `consents` and `signals` objects.
    private var subjectKeys: Set<String> {
        Set(catalog.subjectFields.filter { $0.role != .pii }.map(\.name) + ["pii", "consents", "signals"])
    }

    private var piiKeys: Set<String> { Set(catalog.subjectFields.filter { $0.role == .pii }.map(\.name)) }

    mutating func classifySubject(_ line: Substring) -> DemoDataDefect? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return .malformedJSON
        }
        let pii = object["pii"] as? [String: Any] ?? [:]
        if !Set(object.keys).isSubset(of: subjectKeys) || !Set(pii.keys).isSubset(of: piiKeys) {
            return .undeclaredField
        }
        for field in catalog.subjectFields where field.isRequired {
            if (field.role == .pii ? pii[field.name] : object[field.name]) == nil { return .missingField }
        }
        guard let country = object["country"] as? String else { return problem("country is not a string: \(line)") }
        if configuration.region(ofCountry: country) == nil { return .unknownCountry }
        if let birthYear = object["birthYear"] {
            guard let year = birthYear as? Int, let field = catalog.subjectField(named: "birthYear") else {
                return problem("birthYear is not an integer: \(line)")
            }
            if year < field.minimum! || year > field.maximum! { return .outOfRange }
        }
        guard let consents = object["consents"] as? [[String: Any]] else {
            return problem("no consents array: \(line)")
        }
        for consent in consents {
            guard let purpose = consent["purpose"] as? String, let state = consent["state"] as? String else {
                return problem("consent without purpose or state: \(line)")
            }
            if !catalog.declares(Purpose(rawValue: purpose))
                || !["granted", "withdrawn", "restricted", "objected"].contains(state)
            {
                return .unknownValue
            }
            guard let recordedAt = consent["recordedAt"] as? String, Timestamp.parse(recordedAt) != nil,
                consent["source"] is String
            else { return problem("consent without source or recordedAt: \(line)") }
        }
        for (name, value) in pii {
            guard let text = value as? String, text.count <= catalog.subjectField(named: name)?.maxLength ?? .max,
                !text.isEmpty
            else {
                return problem("bad \(name): \(line)")
            }
        }
        guard let signals = object["signals"] as? [String: Any], signals["gpc"] is Bool else {
            return problem("no signals.gpc: \(line)")
        }
        return nil
    }

    mutating func classifyEvent(_ line: Substring, subjects: Set<String>) -> DemoDataDefect? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return .malformedJSON
        }
        let declared = Set(catalog.eventFields.map(\.name))
        if !Set(object.keys).isSubset(of: declared) { return .undeclaredField }
        for field in catalog.eventFields where field.isRequired && object[field.name] == nil { return .missingField }
        guard let event = object["event"] as? String, let purpose = object["purpose"] as? String,
            let externalId = object["externalId"] as? String, let ts = object["ts"] as? String
        else { return problem("a required field is not a string: \(line)") }
        if !(catalog.eventField(named: "event")?.values ?? []).contains(event)
            || !catalog.declares(Purpose(rawValue: purpose))
        {
            return .unknownValue
        }
        if let amount = object["amountCents"] {
            guard let cents = amount as? Int, let field = catalog.eventField(named: "amountCents") else {
                return problem("amountCents is not an integer: \(line)")
            }
            if cents < field.minimum! || cents > field.maximum! { return .outOfRange }
            if !["purchase", "refund"].contains(event) { return problem("amount on a \(event): \(line)") }
        } else if ["purchase", "refund"].contains(event) {
            return problem("\(event) without an amount: \(line)")
        }
        if !subjects.contains(externalId) { return .unknownSubject }
        guard let date = Timestamp.parse(ts), (Self.year2025).contains(date) else {
            return problem("ts outside 2025: \(line)")
        }
        for name in ["channel", "campaign", "device"] where object[name] != nil {
            guard let text = object[name] as? String, text.count <= catalog.eventField(named: name)?.maxLength ?? .max
            else {
                return problem("bad \(name): \(line)")
            }
        }
        return nil
    }

    static let year2025 = Date(timeIntervalSince1970: 1_735_689_600)...Date(timeIntervalSince1970: 1_767_225_599)

    private mutating func problem(_ text: String) -> DemoDataDefect? {
        problems.append(text)
        return nil
    }
}
