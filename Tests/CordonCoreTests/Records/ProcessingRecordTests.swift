import Foundation
import Testing

@testable import CordonCore

/// The generated record of processing activities.
@Suite("ProcessingRecord")
struct ProcessingRecordTests {
    static let configuration = VaultFixture.configuration
    static let record = ProcessingRecord(
        configuration: configuration,
        pageCipher: "xchacha20-poly1305",
        generatedAt: Timestamp.parse("2026-12-05T00:00:00Z")!
    )

    @Test func itListsEveryPurposeAndCategoryTheCatalogDeclares() {
        #expect(Set(Self.record.purposes) == Set(Self.configuration.catalog.purposes.map(\.purpose.rawValue)))
        #expect(Set(Self.record.categories) == Set(Self.configuration.catalog.categories.map(\.rawValue)))
    }

    @Test func everyValueHasASource() {
        #expect(Self.record.entries.allSatisfy { !$0.value.isEmpty && !$0.source.isEmpty })
        #expect(Set(Self.record.entries.map(\.section)).isSubset(of: Set(ProcessingRecord.sections)))
    }

    @Test func everyPurposeHasALawfulBasisAndRecipientsInEveryRegionFromItsPolicy() {
        for declaration in Self.configuration.catalog.purposes {
            for region in Self.configuration.regions.keys {
                let policy = Self.configuration.policy(for: region)
                let basis = Self.record.entries.first {
                    $0.purpose == declaration.purpose.rawValue && $0.region == region.rawValue
                        && $0.field == "lawful basis"
                }
                #expect(basis?.value.hasPrefix(policy.purposes[declaration.purpose]!.lawfulBasis.rawValue) == true)
                #expect(basis?.source.hasPrefix("policies/\(policy.id).json purposes.\(declaration.purpose)") == true)
                #expect(
                    Self.record.entries.contains {
                        $0.purpose == declaration.purpose.rawValue && $0.region == region.rawValue
                            && $0.field == "recipients"
                    }
                )
            }
        }
    }

    @Test func retentionComesFromEachPolicy() throws {
        let email = try #require(
            Self.record.entries.first { $0.region == "eu" && $0.field == "retention user.contact.email" }
        )
        let rule = try #require(Self.configuration.policy(for: "eu").retentionRule(for: "user.contact.email"))
        #expect(email.value == rule.duration.description)
    }

    @Test func transfersMeasuresAndPIPLImpactAssessmentsAreListed() {
        let cnMechanisms = Self.record.entries.filter {
            $0.region == "cn" && $0.field == "safeguard for an individual transfer"
        }
        #expect(Set(cnMechanisms.map(\.value)) == ["cac-standard-contract", "certification", "security-assessment"])
        #expect(Self.record.entries.contains { $0.region == "cn" && $0.field == "separate consent" })
        #expect(!Self.record.entries.contains { $0.region == "eu" && $0.field == "separate consent" })
        let measures = Set(Self.record.entries.filter { $0.section == "measures" }.map(\.field))
        #expect(measures.isSuperset(of: ["page encryption", "crypto-shredding", "differential privacy"]))
        let assessments = Self.record.entries.filter { $0.section == "impact-assessment" }
        #expect(!assessments.isEmpty && assessments.allSatisfy { $0.region == "cn" })
        #expect(assessments.contains { $0.field.contains("Art. 55(4)") })
        #expect(assessments.contains { $0.purpose == "sale_or_share" && $0.field.contains("Art. 55(3)") })
        // A transfer abroad is the Art. 55(4) trigger, not providing to others (55(3)).
        let abroad = assessments.filter { $0.purpose == "cross_border_transfer" }.map(\.field)
        #expect(abroad.count == 1 && abroad.first?.contains("Art. 55(4)") == true)
    }

    @Test func theCSVHasOneRowPerEntryAndQuotesCommas() {
        let lines = Self.record.csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "section,purpose,region,field,value,source")
        let rows = Self.record.entries.count
        // A quoted field may not span lines here: values are one line each.
        #expect(lines.count == rows + 1)
        #expect(Self.record.markdown.hasPrefix("# Record of processing activities"))
    }
}
