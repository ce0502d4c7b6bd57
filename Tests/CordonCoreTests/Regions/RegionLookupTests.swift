import Foundation
import Testing

@testable import CordonCore

@Suite("Region lookup")
struct RegionLookupTests {
    static let expected: [(country: String, region: RegionID?)] = [
        ("DE", "eu"), ("FR", "eu"), ("AT", "eu"), ("NO", "eu"), ("IS", "eu"), ("LI", "eu"), ("RE", "eu"), ("AX", "eu"),
        ("GB", "uk"), ("US", "us"), ("PR", "us"), ("CN", "cn"), ("BR", "br"),
        ("HK", nil), ("MO", nil), ("TW", nil), ("JE", nil), ("CH", nil), ("XX", nil), ("UK", nil), ("", nil),
        ("DEU", nil),
    ]

    @Test(arguments: expected)
    func countryMapsToItsRegion(country: String, region: RegionID?) {
        #expect(ConfigurationFixture.shipped.region(ofCountry: country)?.id == region)
    }

    @Test(arguments: [" de ", "de", "De", "\tgb\n", "us"])
    func inputIsTrimmedAndCaseInsensitive(input: String) {
        #expect(ConfigurationFixture.shipped.region(ofCountry: input) != nil)
    }

    @Test func everyShippedCountryMapsBackToTheRegionListingIt() {
        let configuration = ConfigurationFixture.shipped
        var total = 0
        for region in configuration.regions.values {
            for country in region.countries {
                #expect(configuration.region(of: country)?.id == region.id, "\(country)")
                #expect(configuration.region(ofCountry: country.rawValue.lowercased())?.id == region.id)
                total += 1
            }
        }
        #expect(total == configuration.countries.count)
    }

    @Test func euRegionHoldsAllMemberStatesAndTheEEA() throws {
        let eu = try #require(ConfigurationFixture.shipped.regions["eu"])
        let members = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO"
        for code in members.split(separator: " ") {
            #expect(eu.contains(try #require(CountryCode(rawValue: String(code)))), "\(code)")
        }
    }
}

@Suite("CountryCode")
struct CountryCodeTests {
    @Test(arguments: ["DE", "GB", "US", "CN", "BR", "HK", "AX"])
    func acceptsAssignedCodes(code: String) {
        #expect(CountryCode(rawValue: code)?.rawValue == code)
    }

    @Test(arguments: ["UK", "EU", "XK", "XX", "de", "D", "DEU", "", "1A", "É"])
    func rejectsUnassignedOrMalformedCodes(code: String) {
        #expect(CountryCode(rawValue: code) == nil)
    }

    @Test func normalizingTrimsAndUppercases() {
        #expect(CountryCode(normalizing: "  br\n")?.rawValue == "BR")
        #expect(CountryCode(normalizing: "u k") == nil)
        #expect(CountryCode(normalizing: "ßa") == nil)
    }

    @Test func allAssignedCodesAreCounted() {
        #expect(CountryCode.assigned.count == 249)
    }
}
