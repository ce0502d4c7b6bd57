import Foundation
import Testing

@testable import CordonCore

@Suite("Policy")
struct PolicyTests {
    let gdpr = ConfigurationFixture.shipped.policies["gdpr"]!
    let ccpa = ConfigurationFixture.shipped.policies["ccpa"]!

    @Test(arguments: [
        ("user.behavior.browsing_history", "P13M"), ("user.behavior", "P13M"),
        ("user.behavior.purchase_history", "P3Y"), ("user.contact.email", "P3Y"), ("user.financial.invoice", "P10Y"),
        ("user.device", "P3Y"), ("system.operations", "P1Y"),
    ])
    func retentionUsesTheMostSpecificCategory(category: String, expected: String) throws {
        #expect(gdpr.retention(for: DataCategory(rawValue: category)) == (try ISODuration(parsing: expected)))
    }

    @Test func retentionIsNilWhenNoCategoryCovers() {
        #expect(gdpr.retention(for: "system.unknown") == nil)
        #expect(gdpr.retention(for: "users") == nil)
    }

    @Test func consentPurposesRequireConsentAndContractDoesNot() {
        #expect(gdpr.purposes[.analytics]?.requiresConsent == true)
        #expect(gdpr.purposes[.orderFulfillment]?.requiresConsent == false)
        #expect(ccpa.purposes[.saleOrShare]?.requiresConsent == false)
        #expect(ccpa.purposes[.saleOrShare]?.allowsOptOut == true)
        #expect(gdpr.consentModel(for: "unknown_purpose", subjectAge: nil) == nil)
    }

    @Test func guardianConsentFollowsNationalAges() throws {
        let fr = try #require(CountryCode(rawValue: "FR"))
        let de = try #require(CountryCode(rawValue: "DE"))
        #expect(gdpr.minimumAge.requiresGuardianConsent(age: 14, country: fr))
        #expect(!gdpr.minimumAge.requiresGuardianConsent(age: 15, country: fr))
        #expect(gdpr.minimumAge.requiresGuardianConsent(age: 15, country: de))
        #expect(gdpr.minimumAge.requiresGuardianConsent(age: 15, country: nil))
    }

    @Test func gdprAccessRequestIsDueAfterOneCalendarMonthAndThreeWithExtension() throws {
        let rule = try #require(gdpr.rights[.access])
        let received = ISODurationTests.date("2025-01-31T08:00:00Z")
        #expect(rule.dueDate(forRequestReceivedAt: received) == ISODurationTests.date("2025-02-28T08:00:00Z"))
        #expect(rule.extendedDueDate(forRequestReceivedAt: received) == ISODurationTests.date("2025-04-30T08:00:00Z"))
    }

    @Test func ccpaOptOutIsDueInFifteenBusinessDaysWithoutExtension() throws {
        let rule = try #require(ccpa.rights[.optOutSaleShare])
        let received = ISODurationTests.date("2025-01-03T08:00:00Z")  // a Friday
        #expect(rule.dueDate(forRequestReceivedAt: received) == ISODurationTests.date("2025-01-24T08:00:00Z"))
        #expect(rule.extendedDueDate(forRequestReceivedAt: received) == rule.dueDate(forRequestReceivedAt: received))
    }

    @Test func rightsTheLawDoesNotGrantHaveNoDueDate() throws {
        let rule = try #require(gdpr.rights[.optOutSaleShare])
        #expect(!rule.isProvided)
        #expect(rule.dueDate(forRequestReceivedAt: Date()) == nil)
    }
}

@Suite("Policy table")
struct PolicyTableTests {
    @Test func gdprTableShowsEveryKindOfRule() throws {
        let table = try #require(ConfigurationFixture.shipped.policies["gdpr"]).renderTable()
        for expected in [
            "policy gdpr version 2026.12.2", "Guardian consent below 16", "FR 15",
            "PURPOSES", "analytics", "consent", "opt_in", "order_fulfillment", "contract", "not_required",
            "RETENTION", "user.behavior", "P13M", "user.financial", "P10Y",
            "RIGHTS", "access", "P1M", "+P2M with reasons", "opt_out_sale_share", "not provided",
            "ANONYMIZATION", "minimum subjects per group", "10", "TRANSFERS", "never",
            "BREACH NOTIFICATION", "within PT72H of awareness", "Authority deadline: 72 hours",
        ] {
            #expect(table.contains(expected), "missing '\(expected)'")
        }
    }

    @Test func tableRowsAreAlignedAndTrimmed() throws {
        let table = try #require(ConfigurationFixture.shipped.policies["ccpa"]).renderTable()
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
        #expect(table.contains("P15D (business days)"))
        #expect(table.contains("opt_in below 16"))
        let purposeRow = try #require(lines.first { $0.hasPrefix("sale_or_share ") })
        #expect(purposeRow.contains("notice") && purposeRow.contains("opt_out") && purposeRow.contains("honoured"))
    }

    @Test(arguments: ["gdpr", "uk-gdpr", "ccpa", "pipl", "lgpd"] as [PolicyID])
    func everyPolicyRendersEverySection(id: PolicyID) throws {
        let table = try #require(ConfigurationFixture.shipped.policies[id]).renderTable()
        for section in [
            "CONSENT AGE", "PURPOSES", "RETENTION", "RIGHTS", "ANONYMIZATION", "TRANSFERS", "BREACH NOTIFICATION",
        ] {
            #expect(table.contains(section))
        }
    }
}
