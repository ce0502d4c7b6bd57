extension Region {
    /// Reads a region document; `nil` when anything is missing or invalid (issues are in
    /// the reader's collector). Whether the policy exists and whether countries overlap
    /// other regions is checked by ``PolicyLinter`` across files.
    static func read(_ reader: JSONReader) -> Region? {
        guard
            let object = reader.object(
                required: ["id", "name", "policy", "countries", "storageLocation"],
                optional: ["notes"]
            )
        else { return nil }
        let id = object.required("id").flatMap { Policy.readIdentifier($0, separator: "-") }.map(
            RegionID.init(rawValue:)
        )
        let name = object.required("name")?.string()
        let policy = object.required("policy").flatMap { Policy.readIdentifier($0, separator: "-") }
            .map(PolicyID.init(rawValue:))
        let storage = object.required("storageLocation")?.string()
        let notes = object.optional("notes").map { $0.string() }
        var countries: [CountryCode]?
        if let countriesReader = object.required("countries"), let elements = countriesReader.array() {
            var codes: [CountryCode] = []
            var valid = true
            for element in elements {
                guard let text = element.string(allowEmpty: true) else {
                    valid = false
                    continue
                }
                guard let code = CountryCode(rawValue: text) else {
                    element.report(CountryCode.invalidMessage(for: text))
                    valid = false
                    continue
                }
                guard !codes.contains(code) else {
                    element.report("duplicate country '\(text)' in this region")
                    valid = false
                    continue
                }
                codes.append(code)
            }
            if elements.isEmpty {
                countriesReader.report("a region needs at least one country")
                valid = false
            }
            countries = valid ? codes : nil
        }
        guard let id, let name, let policy, let countries, let storage, notes != .some(nil) else { return nil }
        return Region(
            id: id,
            name: name,
            policy: policy,
            countries: countries,
            storageLocation: storage,
            notes: notes ?? nil
        )
    }
}
