import Foundation
import Testing

@testable import CordonCore

/// The catalog's query rules (purpose limitation): which purposes analysts may query, and
/// which collection purposes each may count.
extension PolicyLinterTests {
    /// The catalog with the query rule of purpose number `index` (file order: analytics,
    /// marketing_email, ads_personalization, order_fulfillment, sale_or_share) edited.
    func lintQueryRule(_ index: Int, _ edit: @escaping (inout [String: Any]) -> Void) throws -> [LintIssue] {
        try ConfigurationFixture.lint(editing: "regions/catalog.json") { catalog in
            var purposes = catalog["purposes"] as! [[String: Any]]
            var query = purposes[index]["query"] as! [String: Any]
            edit(&query)
            purposes[index]["query"] = query
            catalog["purposes"] = purposes
        }
    }

    @Test func theShippedCatalogQueriesOnlyConsentOrOptOutPurposesOnTheirOwnData() {
        let catalog = ConfigurationFixture.shipped.catalog
        #expect(catalog.queryablePurposes == [.analytics, .marketingEmail, .adsPersonalization])
        for purpose in catalog.queryablePurposes {
            #expect(catalog.collectionPurposes(compatibleWith: purpose) == [purpose])
        }
        #expect(catalog.collectionPurposes(compatibleWith: .orderFulfillment).isEmpty)
        #expect(catalog.collectionPurposes(compatibleWith: .saleOrShare).isEmpty)
        #expect(catalog.purposes.allSatisfy { $0.query.source.count > 80 }, "every rule says why")
    }

    @Test func aPurposeWithoutAQueryRuleIsReported() throws {
        let issues = try ConfigurationFixture.lint(editing: "regions/catalog.json") { catalog in
            var purposes = catalog["purposes"] as! [[String: Any]]
            purposes[1]["query"] = nil
            catalog["purposes"] = purposes
        }
        let found = try issue(in: issues, file: "regions/catalog.json", path: "$.purposes[1]")
        #expect(found.message.contains("missing required key 'query'"))
    }

    @Test func aQueryablePurposeWithNoCompatibleListIsReported() throws {
        let issues = try lintQueryRule(0) { $0["compatibleCollectionPurposes"] = nil }
        let found = try issue(in: issues, file: "regions/catalog.json", path: "$.purposes[0].query")
        #expect(found.message.contains("needs 'compatibleCollectionPurposes'"))
    }

    @Test func anUnknownCompatiblePurposeIsReportedWithTheDeclaredOnes() throws {
        let issues = try lintQueryRule(0) { $0["compatibleCollectionPurposes"] = ["analytics", "profiling"] }
        let found = try issue(
            in: issues,
            file: "regions/catalog.json",
            path: "$.purposes[0].query.compatibleCollectionPurposes[1]"
        )
        #expect(
            found.message
                == "unknown purpose 'profiling'; declared purposes: analytics, marketing_email, ads_personalization, order_fulfillment, sale_or_share, cross_border_transfer"
        )
    }

    @Test func aCompatibleListWithoutThePurposeItselfIsReported() throws {
        let issues = try lintQueryRule(1) { $0["compatibleCollectionPurposes"] = ["analytics"] }
        let found = try issue(
            in: issues,
            file: "regions/catalog.json",
            path: "$.purposes[1].query.compatibleCollectionPurposes"
        )
        #expect(found.message.contains("must count the data collected for 'marketing_email' itself"))
    }

    @Test func aRepeatedCompatiblePurposeIsReported() throws {
        let issues = try lintQueryRule(0) { $0["compatibleCollectionPurposes"] = ["analytics", "analytics"] }
        let found = try issue(
            in: issues,
            file: "regions/catalog.json",
            path: "$.purposes[0].query.compatibleCollectionPurposes[1]"
        )
        #expect(found.message.contains("listed twice"))
    }

    @Test func aCompatibleListOnAPurposeThatCannotBeQueriedIsReported() throws {
        let issues = try lintQueryRule(4) { $0["compatibleCollectionPurposes"] = ["sale_or_share"] }
        let found = try issue(
            in: issues,
            file: "regions/catalog.json",
            path: "$.purposes[4].query.compatibleCollectionPurposes"
        )
        #expect(found.message.contains("applies only to a purpose analysts may query"))
    }

    @Test func aContractPurposeCannotBeMadeQueryable() throws {
        let issues = try lintQueryRule(3) {
            $0["permitted"] = true
            $0["compatibleCollectionPurposes"] = ["order_fulfillment"]
        }
        let found = try issue(in: issues, file: "regions/catalog.json", path: "$.purposes[3].query.permitted")
        #expect(found.message.contains("purpose 'order_fulfillment' may not be queried: it rests on necessity in"))
        #expect(found.message.contains("gdpr (contract)"))
    }

    @Test func dataGivenUnderSeparateConsentAreCompatibleWithNothingElse() throws {
        let issues = try lintQueryRule(0) { $0["compatibleCollectionPurposes"] = ["analytics", "sale_or_share"] }
        let found = try issue(
            in: issues,
            file: "regions/catalog.json",
            path: "$.purposes[0].query.compatibleCollectionPurposes[1]"
        )
        #expect(
            found.message
                == "data collected for 'sale_or_share' need a separate consent in gdpr, lgpd, pipl, uk-gdpr and serve only that purpose; they cannot be compatible with 'analytics'"
        )
    }
}
