extension PolicyLinter {
    /// The checks that need more than one file: ids unique, references resolved, countries
    /// in one region only, and the catalog and every policy agreeing on purposes and categories.
    struct CrossFileChecks {
        let policies: [Parsed<Policy>]
        let regions: [Parsed<Region>]
        let catalog: Parsed<Catalog>?
        private(set) var issues: [LintIssue] = []

        init(policies: [Parsed<Policy>], regions: [Parsed<Region>], catalog: Parsed<Catalog>?) {
            self.policies = policies
            self.regions = regions
            self.catalog = catalog
        }

        private mutating func report<Model>(_ parsed: Parsed<Model>, _ path: String, _ message: String) {
            issues.append(LintIssue(file: parsed.file, path: path, line: parsed.line(path), message: message))
        }

        mutating func run() {
            checkUniqueIDs(policies, kind: "policy")
            checkUniqueIDs(regions, kind: "region")
            checkRegionPolicies()
            checkCountriesAreExclusive()
            checkPurposeCoverage()
            checkQueryRules()
            checkRetentionCoverage()
            checkTransferDestinations()
            checkAgeOverrideCountries()
        }

        private mutating func checkUniqueIDs<Model>(_ files: [Parsed<Model>], kind: String) {
            var firstFile: [String: String] = [:]
            for parsed in files {
                guard let id = parsed.rawID else { continue }
                if let earlier = firstFile[id] {
                    report(parsed, "$.id", "duplicate \(kind) id '\(id)'; \(earlier) already declares it")
                } else {
                    firstFile[id] = parsed.file
                }
            }
        }

        private mutating func checkRegionPolicies() {
            let known = Set(policies.compactMap(\.rawID))
            for parsed in regions {
                guard let region = parsed.model, !known.contains(region.policy.rawValue) else { continue }
                report(
                    parsed,
                    "$.policy",
                    "unknown policy '\(region.policy)'; known policies: \(known.sorted().joined(separator: ", "))"
                )
            }
        }

        private mutating func checkCountriesAreExclusive() {
            var owner: [CountryCode: (region: RegionID, file: String)] = [:]
            for parsed in regions {
                guard let region = parsed.model else { continue }
                for (index, country) in region.countries.enumerated() {
                    if let earlier = owner[country] {
                        report(
                            parsed,
                            "$.countries[\(index)]",
                            "country '\(country)' is in two regions: '\(earlier.region)' (\(earlier.file)) and '\(region.id)' (\(parsed.file)); a country belongs to exactly one region"
                        )
                    } else {
                        owner[country] = (region.id, parsed.file)
                    }
                }
            }
        }

        private mutating func checkPurposeCoverage() {
            guard let catalog, let declared = catalog.model?.declaredPurposes else { return }
            let list = declared.sorted().map(\.rawValue).joined(separator: ", ")
            for parsed in policies {
                guard let policy = parsed.model else { continue }
                for purpose in declared.sorted() where policy.purposes[purpose] == nil {
                    report(
                        parsed,
                        "$.purposes",
                        "missing rule for purpose '\(purpose)', which \(catalog.file) declares; every policy must rule on every declared purpose"
                    )
                }
                for purpose in policy.purposes.keys.sorted() where !declared.contains(purpose) {
                    report(
                        parsed,
                        JSONReader.path("$.purposes", appending: purpose.rawValue),
                        "purpose '\(purpose)' is not declared in \(catalog.file); declared purposes: \(list)"
                    )
                }
            }
        }

        /// What the catalog's query rules must respect in every policy: a purpose resting on
        /// a contract or a legal obligation may not be queried (that basis covers only what
        /// the contract or the law needs: EDPB Guidelines 2/2019 on Art. 6(1)(b)), and data
        /// given under a separate consent serve only the purpose consented to (PIPL Art. 23
        /// and 29, LGPD Art. 7 § 5, GDPR Art. 7(2)), so no other purpose may count them.
        private mutating func checkQueryRules() {
            guard let catalog, let model = catalog.model else { return }
            for (index, declaration) in model.purposes.enumerated() where declaration.query.isPermitted {
                let base = "$.purposes[\(index)].query"
                let necessary = policies.compactMap { parsed -> String? in
                    guard let rule = parsed.model?.purposes[declaration.purpose],
                        rule.lawfulBasis == .contract || rule.lawfulBasis == .legalObligation
                    else { return nil }
                    return "\(parsed.model!.id) (\(rule.lawfulBasis.rawValue))"
                }
                if !necessary.isEmpty {
                    report(
                        catalog,
                        "\(base).permitted",
                        "purpose '\(declaration.purpose)' may not be queried: it rests on necessity in \(necessary.joined(separator: ", ")), which covers only what the contract or the law needs, not analysis"
                    )
                }
                for (position, collected) in declaration.query.compatibleCollectionPurposes.enumerated()
                where collected != declaration.purpose {
                    let separate = policies.compactMap { parsed -> String? in
                        guard let policy = parsed.model, policy.purposes[collected]?.separateConsent == true else {
                            return nil
                        }
                        return policy.id.rawValue
                    }
                    if !separate.isEmpty {
                        report(
                            catalog,
                            "\(base).compatibleCollectionPurposes[\(position)]",
                            "data collected for '\(collected)' need a separate consent in \(separate.joined(separator: ", ")) and serve only that purpose; they cannot be compatible with '\(declaration.purpose)'"
                        )
                    }
                }
            }
        }

        private mutating func checkRetentionCoverage() {
            guard let catalogModel = catalog?.model, let catalogFile = catalog?.file else { return }
            for parsed in policies {
                guard let policy = parsed.model else { continue }
                for category in catalogModel.categories where policy.retentionRule(for: category) == nil {
                    let users =
                        (catalogModel.subjectFields.map { ("subjects", $0) }
                        + catalogModel.eventFields.map { ("events", $0) })
                        .filter { $0.1.category == category }
                        .map { "$.\($0.0).\($0.1.name)" }
                    report(
                        parsed,
                        "$.retention",
                        "missing retention rule for category '\(category)' (used by \(catalogFile) \(users.joined(separator: ", "))); add it or an ancestor category such as '\(category.components.first ?? "")'"
                    )
                }
            }
        }

        private mutating func checkTransferDestinations() {
            let known = Set(regions.compactMap(\.rawID))
            for parsed in policies {
                guard let policy = parsed.model else { continue }
                for (index, region) in policy.transfers.aggregates.enumerated() where !known.contains(region.rawValue) {
                    report(
                        parsed,
                        "$.transfers.aggregates[\(index)]",
                        "unknown region '\(region)'; known regions: \(known.sorted().joined(separator: ", "))"
                    )
                }
            }
        }

        private mutating func checkAgeOverrideCountries() {
            // Only meaningful when every region file was read; otherwise the issue is elsewhere.
            guard regions.allSatisfy({ $0.model != nil }) else { return }
            let regionModels = regions.compactMap(\.model)
            for parsed in policies {
                guard let policy = parsed.model else { continue }
                let governed = regionModels.filter { $0.policy == policy.id }
                let countries = Set(governed.flatMap(\.countries))
                for country in policy.minimumAge.countryOverrides.keys.sorted() where !countries.contains(country) {
                    let names = governed.map(\.id.rawValue).sorted().joined(separator: ", ")
                    report(
                        parsed,
                        "$.minimumAge.countryOverrides.\(country)",
                        "country '\(country)' is not in any region governed by policy '\(policy.id)' (regions: \(names.isEmpty ? "none" : names))"
                    )
                }
            }
        }
    }
}
