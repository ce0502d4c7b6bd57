// Reading regions/catalog.json, with the rules that tie a field's type to its role.

extension Catalog {
    static func read(_ reader: JSONReader) -> Catalog? {
        guard
            let object = reader.object(
                required: ["version", "purposes", "subjects", "events"],
                optional: ["queryBounds"]
            )
        else { return nil }
        let version = object.required("version").flatMap(Policy.readVersion)
        let purposes = object.required("purposes").flatMap(readPurposes)
        let subjects = object.required("subjects").flatMap(readFields)
        let events = object.required("events").flatMap(readFields)
        var valid = true
        if let subjects, let reader = object.required("subjects") {
            valid = requireOne(.identifier, in: subjects, reader) && valid
            if subjects.filter({ $0.type == .countryCode }).count != 1 {
                reader.report("subjects need exactly one field of type 'country_code': it chooses the region")
                valid = false
            }
        }
        if let events, let reader = object.required("events") {
            for role in [FieldRole.identifier, .timestamp, .purpose] {
                valid = requireOne(role, in: events, reader) && valid
            }
        }
        var bounds = QueryBounds.policyLimits
        if let reader = object.optional("queryBounds") {
            let measures = (events ?? []).filter { $0.role == .measure }.map(\.name)
            if let read = readQueryBounds(reader, measures: measures) { bounds = read } else { valid = false }
        }
        guard valid, let version, let purposes, let subjects, let events else { return nil }
        return Catalog(
            version: version,
            purposes: purposes,
            subjectFields: subjects,
            eventFields: events,
            queryBounds: bounds
        )
    }

    private static func requireOne(_ role: FieldRole, in fields: [Field], _ reader: JSONReader) -> Bool {
        let count = fields.filter { $0.role == role }.count
        guard count != 1 else { return true }
        reader.report("exactly one field with role '\(role.rawValue)' is required, found \(count)")
        return false
    }

    static func readPurposes(_ reader: JSONReader) -> [PurposeDeclaration]? {
        guard let elements = reader.array() else { return nil }
        guard !elements.isEmpty else {
            reader.report("at least one purpose must be declared")
            return nil
        }
        var declarations: [PurposeDeclaration] = []
        var firstPath: [Purpose: String] = [:]
        var queryReaders: [QueryRuleReaders] = []
        var valid = true
        for element in elements {
            guard let entry = element.object(required: ["id", "description", "query"]),
                let id = entry.required("id").flatMap({ Policy.readIdentifier($0, separator: "_") }),
                let description = entry.required("description")?.string(),
                let queryReader = entry.required("query"),
                let (query, readers) = readQueryRule(queryReader)
            else {
                valid = false
                continue
            }
            let purpose = Purpose(rawValue: id)
            if let earlier = firstPath[purpose] {
                element.report("duplicate purpose id '\(id)', already declared at \(earlier)")
                valid = false
                continue
            }
            firstPath[purpose] = element.path
            declarations.append(PurposeDeclaration(purpose: purpose, description: description, query: query))
            queryReaders.append(readers)
        }
        // Compatibility names other purposes, so it is checked once all are known.
        let declared = Set(declarations.map(\.purpose))
        let list = declarations.map(\.purpose.rawValue).joined(separator: ", ")
        for (declaration, readers) in zip(declarations, queryReaders) where declaration.query.isPermitted {
            let compatible = declaration.query.compatibleCollectionPurposes
            for (purpose, element) in zip(compatible, readers.elements) where !declared.contains(purpose) {
                element.report("unknown purpose '\(purpose)'; declared purposes: \(list)")
                valid = false
            }
            if !compatible.contains(declaration.purpose) {
                readers.list?.report(
                    "a query for '\(declaration.purpose)' must count the data collected for '\(declaration.purpose)' itself; add it to the list"
                )
                valid = false
            }
        }
        return valid ? declarations : nil
    }

    /// `{"permitted": true, "compatibleCollectionPurposes": [...], "source": "..."}`, or
    /// `{"permitted": false, "source": "..."}`: a queryable purpose names the collection
    /// purposes its queries may count (at least one, no repeats); others name none.
    static func readQueryRule(_ reader: JSONReader) -> (QueryRule, QueryRuleReaders)? {
        guard
            let object = reader.object(
                required: ["permitted", "source"],
                optional: ["compatibleCollectionPurposes"]
            )
        else { return nil }
        let permitted = object.required("permitted")?.bool()
        let source = object.required("source")?.string()
        guard let permitted, let source else { return nil }
        var compatible: [Purpose] = []
        var readers = QueryRuleReaders(list: object.optional("compatibleCollectionPurposes"), elements: [])
        if let listReader = readers.list {
            guard permitted else {
                listReader.report(
                    "'compatibleCollectionPurposes' applies only to a purpose analysts may query ('permitted': true)"
                )
                return nil
            }
            guard let elements = listReader.array() else { return nil }
            for element in elements {
                guard let id = Policy.readIdentifier(element, separator: "_") else { return nil }
                let purpose = Purpose(rawValue: id)
                guard !compatible.contains(purpose) else {
                    element.report("'\(id)' is listed twice")
                    return nil
                }
                compatible.append(purpose)
                readers.elements.append(element)
            }
        }
        if permitted && compatible.isEmpty {
            reader.report(
                "a purpose analysts may query needs 'compatibleCollectionPurposes': the collection purposes whose data its queries may count (at least itself)"
            )
            return nil
        }
        return (QueryRule(isPermitted: permitted, compatibleCollectionPurposes: compatible, source: source), readers)
    }

    /// Where a query rule's compatible purposes were read, for checks that need every purpose.
    struct QueryRuleReaders {
        var list: JSONReader?
        var elements: [JSONReader]
    }

    static func readFields(_ reader: JSONReader) -> [Field]? {
        guard let members = reader.members() else { return nil }
        var fields: [Field] = []
        var valid = true
        for (name, member) in members {
            guard let first = name.first, first.isLetter,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
            else {
                member.report("'\(name)' is not a valid field name; use ASCII letters and digits (camelCase)")
                valid = false
                continue
            }
            guard let field = readField(named: name, member) else {
                valid = false
                continue
            }
            fields.append(field)
        }
        return valid ? fields : nil
    }

    static func readField(named name: String, _ reader: JSONReader) -> Field? {
        guard
            let object = reader.object(
                required: ["type", "role", "category", "required", "description"],
                optional: ["maxLength", "minimum", "maximum", "values"]
            )
        else { return nil }
        let type = object.required("type")?.oneOf(FieldType.self)
        let role = object.required("role")?.oneOf(FieldRole.self)
        let categoryReader = object.required("category")
        let category = categoryReader?.string().map(DataCategory.init(rawValue:))
        let isRequired = object.required("required")?.bool()
        let description = object.required("description")?.string()
        guard let type, let role, let category, let isRequired, let description, let categoryReader else { return nil }
        var valid = true
        if !category.isWellFormed {
            categoryReader.report(
                "'\(category)' is not a valid data category; use dotted lowercase names like user.contact.email"
            )
            valid = false
        }
        if !checkBoundKeys(of: type, in: object, reader) { valid = false }
        let maxLength = object.optional("maxLength")?.integer(in: 1...1_000_000)
        let minimum = object.optional("minimum")?.integer()
        let maximum = object.optional("maximum")?.integer()
        if let minimum, let maximum, minimum > maximum {
            reader.report("minimum (\(minimum)) must not exceed maximum (\(maximum))")
            valid = false
        }
        let values = readEnumValues(object)
        if values == .some(nil) { valid = false }
        if !checkRole(role, matches: type, reader) { valid = false }
        guard valid else { return nil }
        return Field(
            name: name,
            type: type,
            role: role,
            category: category,
            maxLength: maxLength,
            minimum: minimum,
            maximum: maximum,
            values: values ?? nil,
            isRequired: isRequired,
            description: description
        )
    }

    /// Reports bound keys that do not apply to `type` (`maxLength` on an integer) and
    /// those it needs but lacks; whether there were none.
    private static func checkBoundKeys(of type: FieldType, in object: ObjectReader, _ reader: JSONReader) -> Bool {
        // Which bound keys each type takes; anything else is reported as not applicable.
        let applicable: Set<String> =
            switch type {
            case .string: ["maxLength"]
            case .integer: ["minimum", "maximum"]
            case .enumeration: ["values"]
            case .timestamp, .countryCode, .purpose: []
            }
        var valid = true
        for key in ["maxLength", "minimum", "maximum", "values"] where object.has(key) && !applicable.contains(key) {
            object.optional(key)?.report("'\(key)' does not apply to type '\(type.rawValue)'")
            valid = false
        }
        for key in applicable.sorted() where !object.has(key) {
            reader.report("missing required key '\(key)' for type '\(type.rawValue)'")
            valid = false
        }
        return valid
    }

    /// An enum's `values`: `nil` when absent, `.some(nil)` after reporting a problem (not an
    /// array of strings, empty, or repeated values).
    private static func readEnumValues(_ object: ObjectReader) -> [String]?? {
        guard let valuesReader = object.optional("values") else { return nil }
        guard let elements = valuesReader.array() else { return .some(nil) }
        let strings = elements.compactMap { $0.string() }
        if strings.count != elements.count { return .some(nil) }
        if strings.isEmpty {
            valuesReader.report("an enum needs at least one value")
            return .some(nil)
        }
        if Set(strings).count != strings.count {
            valuesReader.report("enum values must be unique")
            return .some(nil)
        }
        return strings
    }

    /// Reports a role whose type is fixed (an identifier is a string) given another type.
    private static func checkRole(_ role: FieldRole, matches type: FieldType, _ reader: JSONReader) -> Bool {
        let expectedType: FieldType? =
            switch role {
            case .identifier: .string
            case .measure: .integer
            case .timestamp: .timestamp
            case .purpose: .purpose
            case .dimension, .pii: nil
            }
        guard let expectedType, expectedType != type else { return true }
        reader.report("role '\(role.rawValue)' requires type '\(expectedType.rawValue)', found '\(type.rawValue)'")
        return false
    }
}
