// Reading a policy file into the model, reporting every problem as a lint issue.
// The rules of the schema live here; `PolicyLinter` adds the checks that span files.

extension Policy {
    static let topLevelKeys = [
        "id", "version", "name", "jurisdiction", "sources", "minimumAge", "purposes", "retention", "rights",
        "anonymization", "transfers", "breachNotification",
    ]

    /// Reads a whole policy document; `nil` when anything required is missing or invalid
    /// (the issues are in the reader's collector).
    static func read(_ reader: JSONReader) -> Policy? {
        guard let object = reader.object(required: topLevelKeys, optional: ["notes"]) else { return nil }
        let id = object.required("id").flatMap { readIdentifier($0, separator: "-") }.map(PolicyID.init(rawValue:))
        let version = object.required("version").flatMap(readVersion)
        let name = object.required("name")?.string()
        let jurisdiction = object.required("jurisdiction")?.string()
        let sources = object.required("sources").flatMap(readSources)
        let notes = object.optional("notes")?.string()
        let purposes = object.required("purposes").flatMap(readPurposes)
        let minimumAge = object.required("minimumAge").flatMap { readAgeRules($0, purposes: purposes) }
        let retention = object.required("retention").flatMap(readRetention)
        let rights = object.required("rights").flatMap(readRights)
        let anonymization = object.required("anonymization").flatMap(readAnonymization)
        let transfers = object.required("transfers").flatMap(readTransfers)
        let breach = object.required("breachNotification").flatMap(readBreachNotification)
        guard let id, let version, let name, let jurisdiction, let sources, let minimumAge, let purposes, let retention,
            let rights, let anonymization, let transfers, let breach,
            object.optional("notes") == nil || notes != nil
        else { return nil }
        return Policy(
            id: id,
            version: version,
            name: name,
            jurisdiction: jurisdiction,
            sources: sources,
            notes: notes,
            minimumAge: minimumAge,
            purposes: purposes,
            retention: retention,
            rights: rights,
            anonymization: anonymization,
            transfers: transfers,
            breachNotification: breach
        )
    }

    /// A lowercase identifier: a letter, then letters, digits and `separator`.
    static func readIdentifier(_ reader: JSONReader, separator: Character) -> String? {
        guard let text = reader.string() else { return nil }
        guard isIdentifier(text, separator: separator) else {
            reader.report(
                "'\(text)' is not a valid identifier; use lowercase letters, digits and '\(separator)', starting with a letter"
            )
            return nil
        }
        return text
    }

    static func isIdentifier(_ text: String, separator: Character) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == separator) }
    }

    /// A release number like `2026.11.1`: three dot-separated numbers.
    static func readVersion(_ reader: JSONReader) -> String? {
        guard let text = reader.string() else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else {
            reader.report("'\(text)' is not a version; expected YEAR.MONTH.RELEASE, e.g. 2026.11.1")
            return nil
        }
        return text
    }

    static func readSources(_ reader: JSONReader) -> [Source]? {
        guard let elements = reader.array() else { return nil }
        guard !elements.isEmpty else {
            reader.report("at least one legal source is required")
            return nil
        }
        var sources: [Source] = []
        var seen: Set<String> = []
        var valid = true
        for element in elements {
            guard let object = element.object(required: ["id", "title", "url"]),
                let id = object.required("id")?.string(), let title = object.required("title")?.string(),
                let urlReader = object.required("url"), let url = urlReader.string()
            else {
                valid = false
                continue
            }
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                urlReader.report("'\(url)' is not an http(s) URL")
                valid = false
                continue
            }
            if !seen.insert(id).inserted {
                element.report("duplicate source id '\(id)'")
                valid = false
            }
            sources.append(Source(id: id, title: title, url: url))
        }
        return valid ? sources : nil
    }

    static func readPurposes(_ reader: JSONReader) -> [Purpose: PurposeRule]? {
        guard let members = reader.members() else { return nil }
        var rules: [Purpose: PurposeRule] = [:]
        var valid = true
        for (key, member) in members {
            guard isIdentifier(key, separator: "_") else {
                member.report("'\(key)' is not a valid purpose name; use lowercase letters, digits and '_'")
                valid = false
                continue
            }
            guard let rule = readPurposeRule(member) else {
                valid = false
                continue
            }
            rules[Purpose(rawValue: key)] = rule
        }
        return valid ? rules : nil
    }

    static func readPurposeRule(_ reader: JSONReader) -> PurposeRule? {
        guard
            let object = reader.object(
                required: ["lawfulBasis", "model", "separateConsent", "honorsGlobalPrivacyControl", "source"])
        else { return nil }
        let basisReader = object.required("lawfulBasis")
        let modelReader = object.required("model")
        let basis = basisReader?.oneOf(LawfulBasis.self)
        let model = modelReader?.oneOf(ConsentModel.self)
        let separate = object.required("separateConsent")?.bool()
        let gpcReader = object.required("honorsGlobalPrivacyControl")
        let gpc = gpcReader?.bool()
        let source = object.required("source")?.string()
        guard let basis, let model, let separate, let gpc, let source, let modelReader, let gpcReader else {
            return nil
        }
        // The combinations below contradict themselves; refusing them keeps the consent
        // evaluator simple (it can trust `model` alone).
        var valid = true
        switch (basis, model) {
        case (.consent, let other) where other != .optIn:
            modelReader.report("lawfulBasis 'consent' requires model 'opt_in', found '\(other.rawValue)'")
            valid = false
        case (.contract, let other) where other != .notRequired,
            (.legalObligation, let other) where other != .notRequired:
            modelReader.report(
                "lawfulBasis '\(basis.rawValue)' requires model 'not_required', found '\(other.rawValue)'"
            )
            valid = false
        case (let other, .optIn) where other != .consent && other != .notPermitted:
            modelReader.report("model 'opt_in' requires lawfulBasis 'consent', found '\(other.rawValue)'")
            valid = false
        default:
            break
        }
        if separate, model != .optIn, basis != .notPermitted {
            modelReader.report("separateConsent true requires model 'opt_in', found '\(model.rawValue)'")
            valid = false
        }
        if gpc, model == .notRequired, basis != .notPermitted {
            gpcReader.report(
                "honorsGlobalPrivacyControl true needs a model the subject can refuse ('opt_in' or 'opt_out'), found 'not_required'"
            )
            valid = false
        }
        guard valid else { return nil }
        return PurposeRule(
            lawfulBasis: basis,
            model: model,
            separateConsent: separate,
            honorsGlobalPrivacyControl: gpc,
            source: source
        )
    }

    static func readRetention(_ reader: JSONReader) -> [DataCategory: RetentionRule]? {
        guard let members = reader.members() else { return nil }
        guard !members.isEmpty else {
            reader.report("at least one retention rule is required")
            return nil
        }
        var rules: [DataCategory: RetentionRule] = [:]
        var valid = true
        for (key, member) in members {
            let category = DataCategory(rawValue: key)
            guard category.isWellFormed else {
                member.report(
                    "'\(key)' is not a valid data category; use dotted lowercase names like user.contact.email"
                )
                valid = false
                continue
            }
            guard let object = member.object(required: ["duration", "source"]),
                let duration = object.required("duration")?.duration(), let source = object.required("source")?.string()
            else {
                valid = false
                continue
            }
            rules[category] = RetentionRule(duration: duration, source: source)
        }
        return valid ? rules : nil
    }
}
