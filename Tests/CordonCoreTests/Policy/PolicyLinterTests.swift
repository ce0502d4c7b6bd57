import Foundation
import Testing

@testable import CordonCore

/// One test per kind of configuration error, each on a broken copy of the shipped files.
@Suite("PolicyLinter")
struct PolicyLinterTests {
    /// The single issue at `file` + `path`, failing the test when there is not exactly one.
    func issue(in issues: [LintIssue], file: String, path: String) throws -> LintIssue {
        let matching = issues.filter { $0.file == file && $0.path == path }
        try #require(
            matching.count == 1,
            "expected one issue at \(file) \(path), got:\n\(issues.map(\.description).joined(separator: "\n"))"
        )
        return matching[0]
    }

    @Test func roundTrippedCopyIsClean() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/gdpr.json") { _ in }
        #expect(issues.isEmpty, "\(issues)")
    }

    @Test func malformedJSONIsReportedWithItsLine() throws {
        let issues = try ConfigurationFixture.lint(
            replacing: "policies/gdpr.json",
            with: "{\n  \"id\": \"gdpr\",\n  oops\n}\n"
        )
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$")
        #expect(found.line == 3)
        #expect(found.message.contains("malformed JSON at line 3"))
    }

    @Test func duplicateJSONKeyIsReported() throws {
        let original = try String(
            contentsOf: ConfigurationFixture.packageRoot.appending(path: "regions/br.json"),
            encoding: .utf8
        )
        let text = original.replacingOccurrences(
            of: "\"name\": \"Brazil\",",
            with: "\"name\": \"Brazil\",\n  \"name\": \"Brasil\","
        )
        let issues = try ConfigurationFixture.lint(replacing: "regions/br.json", with: text)
        let found = try issue(in: issues, file: "regions/br.json", path: "$.name")
        #expect(found.message.contains("duplicate key 'name'"))
        #expect(found.line == 4)
    }

    @Test func unknownKeyIsNamedWithTheAllowedKeys() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/gdpr.json") {
            $0.edit("purposes", "analytics") { $0["lawfullBasis"] = "consent" }
        }
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$.purposes.analytics.lawfullBasis")
        #expect(found.message.contains("unknown key 'lawfullBasis'"))
        #expect(
            found.message.contains(
                "allowed keys: honorsGlobalPrivacyControl, lawfulBasis, model, separateConsent, source"
            )
        )
    }

    @Test func unknownTopLevelKeyIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "regions/eu.json") { $0["storage"] = "x" }
        let found = try issue(in: issues, file: "regions/eu.json", path: "$.storage")
        #expect(found.message.contains("storageLocation"))
    }

    @Test func missingRequiredKeyIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/pipl.json") {
            $0.edit("purposes", "analytics") { $0["source"] = nil }
        }
        let found = try issue(in: issues, file: "policies/pipl.json", path: "$.purposes.analytics")
        #expect(found.message == "missing required key 'source'")
    }

    @Test func missingRightRuleIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/ccpa.json") {
            $0.edit("rights") { $0["erasure"] = nil }
        }
        let found = try issue(in: issues, file: "policies/ccpa.json", path: "$.rights")
        #expect(found.message.contains("missing rule for right 'erasure'"))
    }

    @Test func unknownRightIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/ccpa.json") {
            $0.edit("rights") { $0["forget_me"] = ["provided": false, "source": "x"] }
        }
        let found = try issue(in: issues, file: "policies/ccpa.json", path: "$.rights.forget_me")
        #expect(found.message.contains("unknown right 'forget_me'") && found.message.contains("opt_out_sale_share"))
    }

    @Test func wrongTypeIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/lgpd.json") {
            $0.edit("purposes", "sale_or_share") { $0["separateConsent"] = "yes" }
        }
        let found = try issue(in: issues, file: "policies/lgpd.json", path: "$.purposes.sale_or_share.separateConsent")
        #expect(found.message == "expected true or false, found string")
    }

    @Test func valueOutsideAnEnumerationListsTheAllowedValues() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/gdpr.json") {
            $0.edit("purposes", "analytics") { $0["lawfulBasis"] = "concent" }
        }
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$.purposes.analytics.lawfulBasis")
        #expect(
            found.message.contains("'concent' is not allowed; expected one of: consent, contract, legitimate_interest")
        )
    }

    @Test func aVolumeTierRequiringAnUnlistedMechanismIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/pipl.json") {
            $0.edit("transfers") { transfers in
                var tiers = transfers["volumeTiers"] as! [[String: Any]]
                tiers[0]["requires"] = ["scc"]
                transfers["volumeTiers"] = tiers
            }
        }
        let found = try issue(in: issues, file: "policies/pipl.json", path: "$.transfers.volumeTiers[0]")
        #expect(found.message.contains("requires scc, which transfers.mechanisms does not list"))
    }

    @Test func anUnknownTransferMechanismIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/gdpr.json") {
            $0.edit("transfers", "mechanisms") { $0["bcr"] = "GDPR Art. 47" }
        }
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$.transfers.mechanisms.bcr")
        #expect(found.message.contains("unknown transfer mechanism 'bcr'"))
    }

    @Test func badISODurationIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/gdpr.json") {
            $0.edit("retention", "user.behavior") { $0["duration"] = "13 months" }
        }
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$.retention[\"user.behavior\"].duration")
        #expect(found.message.contains("'13 months' is not an ISO 8601 duration"))
    }

    @Test func businessDayDeadlineMustBeWholeDays() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/ccpa.json") {
            $0.edit("rights", "opt_out_sale_share") { $0["deadline"] = "P1M" }
        }
        let found = try issue(in: issues, file: "policies/ccpa.json", path: "$.rights.opt_out_sale_share.deadline")
        #expect(found.message.contains("business-day deadline must be whole days"))
    }

    @Test func contradictoryConsentModelIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/gdpr.json") {
            $0.edit("purposes", "analytics") { $0["model"] = "opt_out" }
        }
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$.purposes.analytics.model")
        #expect(found.message.contains("lawfulBasis 'consent' requires model 'opt_in'"))
    }

    @Test(arguments: [
        ("UK", "the United Kingdom is 'GB'"), ("XX", "not an assigned ISO 3166-1"), ("gb", "must be uppercase"),
    ])
    func invalidCountryCodeIsReported(code: String, explanation: String) throws {
        let issues = try ConfigurationFixture.lint(editing: "regions/uk.json") { $0["countries"] = [code] }
        let found = try issue(in: issues, file: "regions/uk.json", path: "$.countries[0]")
        #expect(found.message.contains(explanation))
    }

    @Test func countryInTwoRegionsNamesBoth() throws {
        let issues = try ConfigurationFixture.lint(editing: "regions/uk.json") { $0["countries"] = ["GB", "DE"] }
        let found = try issue(in: issues, file: "regions/uk.json", path: "$.countries[1]")
        #expect(found.message.contains("'DE' is in two regions"))
        #expect(found.message.contains("'eu' (regions/eu.json)") && found.message.contains("'uk' (regions/uk.json)"))
    }

    @Test func regionReferencingAnUnknownPolicyIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "regions/br.json") { $0["policy"] = "lgpd2" }
        let found = try issue(in: issues, file: "regions/br.json", path: "$.policy")
        #expect(found.message.contains("unknown policy 'lgpd2'; known policies: ccpa, gdpr, lgpd, pipl, uk-gdpr"))
    }

    @Test func catalogPurposeThatAPolicyDoesNotCoverIsReportedForEveryPolicy() throws {
        let issues = try ConfigurationFixture.lint(editing: "regions/catalog.json") {
            var purposes = $0["purposes"] as! [Any]
            purposes.append(
                ["id": "profiling", "description": "Profiling.", "query": ["permitted": false, "source": "x"]]
            )
            $0["purposes"] = purposes
        }
        for id in ["gdpr", "uk-gdpr", "ccpa", "pipl", "lgpd"] {
            let found = try issue(in: issues, file: "policies/\(id).json", path: "$.purposes")
            #expect(found.message.contains("missing rule for purpose 'profiling', which regions/catalog.json declares"))
        }
    }

    @Test func policyPurposeThatTheCatalogDoesNotDeclareIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/gdpr.json") {
            $0.edit("purposes") {
                $0["profiling"] = [
                    "lawfulBasis": "not_permitted", "model": "not_required", "separateConsent": false,
                    "honorsGlobalPrivacyControl": false, "source": "x",
                ]
            }
        }
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$.purposes.profiling")
        #expect(found.message.contains("purpose 'profiling' is not declared in regions/catalog.json"))
    }

    @Test func duplicatePolicyIDsNameTheOtherFile() throws {
        let root = try ConfigurationFixture.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(
            at: root.appending(path: "policies/gdpr.json"),
            to: root.appending(path: "policies/gdpr-2027.json")
        )
        let issues = PolicyLinter.lint(root: root)
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$.id")
        #expect(found.message == "duplicate policy id 'gdpr'; policies/gdpr-2027.json already declares it")
    }

    @Test func duplicateRegionIDsAreReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "regions/br.json") {
            $0["id"] = "cn"
            $0["countries"] = ["AR"]
        }
        let found = try issue(in: issues, file: "regions/cn.json", path: "$.id")
        #expect(found.message.contains("duplicate region id 'cn'; regions/br.json"))
    }

    @Test func duplicateCatalogPurposeIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "regions/catalog.json") {
            var purposes = $0["purposes"] as! [Any]
            purposes.append(
                ["id": "analytics", "description": "Again.", "query": ["permitted": false, "source": "x"]]
            )
            $0["purposes"] = purposes
        }
        let found = try issue(in: issues, file: "regions/catalog.json", path: "$.purposes[6]")
        #expect(found.message.contains("duplicate purpose id 'analytics', already declared at $.purposes[0]"))
    }

    @Test(arguments: [1, 0, -3])
    func minAggregationSubjectsBelowTwoIsReported(value: Int) throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/uk-gdpr.json") {
            $0.edit("anonymization") { $0["minAggregationSubjects"] = value }
        }
        let found = try issue(in: issues, file: "policies/uk-gdpr.json", path: "$.anonymization.minAggregationSubjects")
        #expect(found.message.contains("must be at least 2"))
    }

    @Test(arguments: [0.0, -0.5])
    func nonPositiveEpsilonIsReported(value: Double) throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/uk-gdpr.json") {
            $0.edit("anonymization") { $0["epsilonPerQuery"] = value }
        }
        let found = try issue(in: issues, file: "policies/uk-gdpr.json", path: "$.anonymization.epsilonPerQuery")
        #expect(found.message.contains("must be greater than 0"))
    }

    @Test func deltaOutsideTheUnitIntervalIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/pipl.json") {
            $0.edit("anonymization") { $0["delta"] = 1 }
        }
        let found = try issue(in: issues, file: "policies/pipl.json", path: "$.anonymization.delta")
        #expect(found.message.contains("greater than 0 and less than 1"))
    }

    @Test func budgetSmallerThanOneQueryIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/pipl.json") {
            $0.edit("anonymization") { $0["budgetPerPeriod"] = 0.5 }
        }
        let found = try issue(in: issues, file: "policies/pipl.json", path: "$.anonymization.budgetPerPeriod")
        #expect(found.message.contains("must be at least epsilonPerQuery"))
    }

    @Test func uncoveredCatalogCategoryIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/lgpd.json") {
            $0.edit("retention") { $0["user"] = nil }
        }
        let found = try #require(
            issues.first { $0.file == "policies/lgpd.json" && $0.message.contains("'user.device'") }
        )
        #expect(found.path == "$.retention")
        #expect(found.message.contains("missing retention rule") && found.message.contains("$.events.device"))
    }

    @Test func unknownTransferDestinationIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/gdpr.json") {
            $0.edit("transfers") { $0["aggregates"] = ["eu", "mars"] }
        }
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$.transfers.aggregates[1]")
        #expect(found.message.contains("unknown region 'mars'"))
    }

    @Test func ageOverrideForACountryOutsideThePolicysRegionsIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "policies/gdpr.json") {
            $0.edit("minimumAge", "countryOverrides") { $0["US"] = ["age": 13, "source": "x"] }
        }
        let found = try issue(in: issues, file: "policies/gdpr.json", path: "$.minimumAge.countryOverrides.US")
        #expect(found.message.contains("not in any region governed by policy 'gdpr' (regions: eu)"))
    }

    @Test func catalogMeasureMustBeABoundedInteger() throws {
        let issues = try ConfigurationFixture.lint(editing: "regions/catalog.json") {
            $0.edit("events", "amountCents") { $0["maximum"] = nil }
            $0.edit("events", "channel") { $0["maxLength"] = nil }
        }
        let amount = try issue(in: issues, file: "regions/catalog.json", path: "$.events.amountCents")
        #expect(amount.message.contains("missing required key 'maximum' for type 'integer'"))
        let channel = try issue(in: issues, file: "regions/catalog.json", path: "$.events.channel")
        #expect(channel.message.contains("missing required key 'maxLength' for type 'string'"))
    }

    @Test func missingCatalogIsReported() throws {
        let issues = try ConfigurationFixture.lint(replacing: "regions/catalog.json", with: nil)
        let found = try issue(in: issues, file: "regions/catalog.json", path: "$")
        #expect(found.message.contains("missing"))
    }

    @Test func everyIssueIsCollectedAndLoadRefusesWithAllOfThem() throws {
        let root = try ConfigurationFixture.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(#"{"id": "br", "name": "Brazil", "policy": "lgpd", "countries": ["BR", "UK"], "extra": 1}"#.utf8)
            .write(to: root.appending(path: "regions/br.json"))
        try Data("[".utf8).write(to: root.appending(path: "policies/pipl.json"))
        let issues = PolicyLinter.lint(root: root)
        #expect(issues.contains { $0.file == "regions/br.json" && $0.path == "$.extra" })
        #expect(
            issues.contains {
                $0.file == "regions/br.json" && $0.path == "$" && $0.message.contains("'storageLocation'")
            }
        )
        #expect(issues.contains { $0.file == "regions/br.json" && $0.path == "$.countries[1]" })
        #expect(issues.contains { $0.file == "policies/pipl.json" && $0.message.contains("malformed JSON") })
        // A syntax error does not cascade: the region naming pipl is not blamed for it.
        #expect(!issues.contains { $0.file == "regions/cn.json" })
        #expect(throws: ConfigurationError.self) { try PolicyConfiguration.load(from: root) }
        do {
            _ = try PolicyConfiguration.load(from: root)
        } catch {
            #expect(error.issues == issues)
            #expect(error.description.contains("Invalid policy configuration (\(issues.count) issues)"))
            #expect(error.description.contains("regions/br.json:1: $.extra: unknown key 'extra'"))
        }
    }
}
