extension Policy {
    /// Ages of consent are human ages; anything outside this range is a typo.
    static let plausibleAges = 1...21

    static func readAgeRules(_ reader: JSONReader, purposes: [Purpose: PurposeRule]?) -> AgeRules? {
        guard
            let object = reader.object(
                required: ["consentAge", "source"],
                optional: ["countryOverrides", "purposeOverrides"]
            )
        else { return nil }
        let age = object.required("consentAge")?.integer(in: plausibleAges)
        let source = object.required("source")?.string()
        var valid = true
        var countries: [CountryCode: AgeOverride] = [:]
        if let overrides = object.optional("countryOverrides") {
            if let members = overrides.members() {
                for (key, member) in members {
                    guard let country = CountryCode(rawValue: key) else {
                        member.report(CountryCode.invalidMessage(for: key))
                        valid = false
                        continue
                    }
                    guard let entry = member.object(required: ["age", "source"]),
                        let overrideAge = entry.required("age")?.integer(in: plausibleAges),
                        let overrideSource = entry.required("source")?.string()
                    else {
                        valid = false
                        continue
                    }
                    countries[country] = AgeOverride(age: overrideAge, source: overrideSource)
                }
            } else {
                valid = false
            }
        }
        var purposeRules: [Purpose: PurposeAgeRule] = [:]
        if let overrides = object.optional("purposeOverrides") {
            if let members = overrides.members() {
                for (key, member) in members {
                    let purpose = Purpose(rawValue: key)
                    if let purposes, purposes[purpose] == nil {
                        member.report("purpose '\(key)' has no rule in $.purposes; an age override needs one")
                        valid = false
                    }
                    guard let entry = member.object(required: ["belowAge", "model", "source"]),
                        let below = entry.required("belowAge")?.integer(in: plausibleAges),
                        let model = entry.required("model")?.oneOf(ConsentModel.self),
                        let overrideSource = entry.required("source")?.string()
                    else {
                        valid = false
                        continue
                    }
                    purposeRules[purpose] = PurposeAgeRule(belowAge: below, model: model, source: overrideSource)
                }
            } else {
                valid = false
            }
        }
        guard valid, let age, let source else { return nil }
        return AgeRules(consentAge: age, source: source, countryOverrides: countries, purposeOverrides: purposeRules)
    }
}

extension CountryCode {
    /// What to tell someone who wrote `text` where a country code belongs.
    static func invalidMessage(for text: String) -> String {
        switch text {
        case "UK": "'UK' is not an ISO 3166-1 alpha-2 code; the United Kingdom is 'GB'"
        case "EL": "'EL' is the EU's abbreviation for Greece; its ISO 3166-1 alpha-2 code is 'GR'"
        default:
            if text.count == 2, text.uppercased() != text, CountryCode(rawValue: text.uppercased()) != nil {
                "'\(text)' must be uppercase: '\(text.uppercased())'"
            } else {
                "'\(text)' is not an assigned ISO 3166-1 alpha-2 country code (two uppercase letters, e.g. DE, GB, US)"
            }
        }
    }
}
