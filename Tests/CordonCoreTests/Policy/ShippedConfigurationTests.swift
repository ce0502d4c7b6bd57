import Foundation
import Testing

@testable import CordonCore

@Suite("Shipped configuration")
struct ShippedConfigurationTests {
    @Test func shippedFilesLintClean() {
        let issues = PolicyLinter.lint(root: ConfigurationFixture.packageRoot)
        #expect(issues.isEmpty, "\(issues.map(\.description).joined(separator: "\n"))")
    }

    @Test func everyShippedFileIsLoaded() {
        let configuration = ConfigurationFixture.shipped
        let files = ConfigurationFixture.shippedFiles
        #expect(files.count == 11)
        let policyFiles = files.filter { $0.hasPrefix("policies/") }
        let regionFiles = files.filter { $0.hasPrefix("regions/") && $0 != "regions/catalog.json" }
        #expect(Set(configuration.policies.keys.map { "policies/\($0).json" }) == Set(policyFiles))
        #expect(Set(configuration.regions.keys.map { "regions/\($0).json" }) == Set(regionFiles))
        #expect(files.contains("regions/catalog.json"))
    }

    @Test(
        arguments: [
            ("eu", "gdpr"), ("uk", "uk-gdpr"), ("us", "ccpa"), ("cn", "pipl"), ("br", "lgpd"),
        ] as [(RegionID, PolicyID)]
    )
    func eachRegionUsesItsJurisdictionsPolicy(region: RegionID, policy: PolicyID) {
        #expect(ConfigurationFixture.shipped.policy(for: region).id == policy)
    }

    @Test func everyPolicyRulesOnEveryDeclaredPurposeAndRight() {
        let configuration = ConfigurationFixture.shipped
        for policy in configuration.policies.values {
            #expect(Set(policy.purposes.keys) == configuration.catalog.declaredPurposes, "\(policy.id)")
            #expect(Set(policy.rights.keys) == Set(Right.allCases), "\(policy.id)")
            for category in configuration.catalog.categories {
                #expect(policy.retention(for: category) != nil, "\(policy.id) \(category)")
            }
        }
    }

    @Test func catalogDeclaresTheMarketingPurposes() {
        let purposes = ConfigurationFixture.shipped.catalog.declaredPurposes
        for purpose: Purpose in [
            .analytics, .marketingEmail, .adsPersonalization, .orderFulfillment, .saleOrShare, .crossBorderTransfer,
        ] {
            #expect(purposes.contains(purpose))
        }
    }

    @Test func catalogBoundsPurchaseAmountsForTheAnonymizer() throws {
        let amount = try #require(ConfigurationFixture.shipped.catalog.eventField(named: "amountCents"))
        #expect(amount.role == .measure)
        #expect(amount.minimum == 0)
        #expect(amount.maximum == 100_000)
        #expect(amount.clamp(250_000) == 100_000)
        #expect(amount.clamp(-5) == 0)
        let event = try #require(ConfigurationFixture.shipped.catalog.eventField(named: "event"))
        #expect(event.values?.contains("purchase") == true)
    }

    @Test func lawValuesMatchTheirSources() throws {
        let policies = ConfigurationFixture.shipped.policies
        let gdpr = try #require(policies["gdpr"])
        #expect(gdpr.minimumAge.consentAge == 16)
        #expect(gdpr.minimumAge.consentAge(in: CountryCode(rawValue: "FR")) == 15)
        #expect(gdpr.minimumAge.consentAge(in: CountryCode(rawValue: "AT")) == 14)
        #expect(gdpr.minimumAge.consentAge(in: CountryCode(rawValue: "BE")) == 13)
        #expect(
            gdpr.rights[.access]?.deadline == Policy.Deadline(duration: ISODuration(months: 1), dayCount: .calendar)
        )
        #expect(gdpr.rights[.access]?.extensionPeriod?.duration == ISODuration(months: 2))
        #expect(gdpr.breachNotification.authorityHours == 72)
        let uk = try #require(policies["uk-gdpr"])
        #expect(uk.minimumAge.consentAge == 13)
        #expect(uk.breachNotification.authorityHours == 72)
        let ccpa = try #require(policies["ccpa"])
        #expect(ccpa.rights[.access]?.deadline?.duration == ISODuration(days: 45))
        #expect(ccpa.rights[.optOutSaleShare]?.deadline?.dayCount == .business)
        #expect(ccpa.purposes[.saleOrShare]?.honorsGlobalPrivacyControl == true)
        #expect(ccpa.purposes[.saleOrShare]?.model == .optOut)
        #expect(ccpa.consentModel(for: .saleOrShare, subjectAge: 15) == .optIn)
        #expect(ccpa.consentModel(for: .saleOrShare, subjectAge: 30) == .optOut)
        #expect(ccpa.breachNotification.authorityHours == nil)
        let pipl = try #require(policies["pipl"])
        #expect(pipl.minimumAge.consentAge == 14)
        #expect(pipl.purposes[.saleOrShare]?.separateConsent == true)
        #expect(pipl.breachNotification.authority.timing == .immediately)
        let lgpd = try #require(policies["lgpd"])
        #expect(lgpd.rights[.access]?.deadline == Policy.Deadline(duration: ISODuration(days: 15), dayCount: .calendar))
        #expect(lgpd.rights[.access]?.extensionPeriod == nil)
        #expect(
            lgpd.breachNotification.authority.deadline
                == Policy.Deadline(duration: ISODuration(days: 3), dayCount: .business)
        )
    }

    @Test func everyPolicyNeverTransfersRawData() {
        for policy in ConfigurationFixture.shipped.policies.values {
            #expect(policy.transfers.rawData == .never)
            #expect(policy.anonymization.minAggregationSubjects >= 2)
        }
    }
}
