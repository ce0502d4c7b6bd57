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
