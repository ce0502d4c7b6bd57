import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore
@testable import cordon

/// The terminal tables the CLI prints: what `cordon policy show` and `cordon dsr list`
/// render, tested in-process against the shipped policies and a request built here.
@Suite("Text tables")
struct TextTableTests {
    /// The configuration shipped in `policies/` and `regions/`.
    static let shipped: PolicyConfiguration = {
        do {
            return try PolicyConfiguration.load(from: CordonProcess.packageRoot)
        } catch {
            fatalError("the shipped configuration does not load:\n\(error)")
        }
    }()

    static func at(_ text: String) -> Date { Timestamp.parse(text)! }
    static let subject = "0123456789abcdef0123456789abcdef"
    static let request = DSRRequest(
        id: "dsr-00112233aabbccdd",
        region: "eu",
        subjectID: subject,
        externalRef: nil,
        kind: .optOutSaleShare,
        receivedAt: at("2025-03-15T10:00:00Z"),
        dueAt: at("2025-04-15T10:00:00Z"),
        status: .open,
        policyID: "gdpr",
        policyVersion: "2026.11.1"
    )

    @Test func linesArePaddedToTheWidestCellAndTrimmed() {
        var table = TextTable("id", "name")
        table.append("1", "a much longer cell")
        table.append("22", "b")
        #expect(table.lines == ["id  name", "--  ------------------", "1   a much longer cell", "22  b"])
    }

    @Test func theTableShowsDeadlinesAndOverdueRequests() {
        var done = TextTableTests.request
        done.id = "dsr-ffffffffffffffff"
        done.status = .completed
        done.completedAt = TextTableTests.at("2025-03-20T10:00:00Z")
        let table = DSRRequest.renderTable(
            [TextTableTests.request, done],
            now: TextTableTests.at("2025-04-20T00:00:00Z")
        )
        let lines = table.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("ID"))
        #expect(lines[2].contains("2025-03-15 10:00"))
        #expect(lines[2].contains("2025-04-15 10:00"))
        #expect(lines[2].contains("OVERDUE"))
        #expect(lines[3].hasSuffix("completed") && !lines[3].contains("OVERDUE"))
        #expect(!table.contains(TextTableTests.subject))

        let details = TextTableTests.request.renderDetails(now: TextTableTests.at("2025-04-05T10:00:00Z"))
        #expect(details.contains("days left    10"))
        #expect(details.contains("subject      \(TextTableTests.subject)"))
    }
}

@Suite("Policy table")
struct PolicyTableTests {
    @Test func gdprTableShowsEveryKindOfRule() throws {
        let table = try #require(TextTableTests.shipped.policies["gdpr"]).renderTable()
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
        let table = try #require(TextTableTests.shipped.policies["ccpa"]).renderTable()
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
        #expect(table.contains("P15D (business days)"))
        #expect(table.contains("opt_in below 16"))
        let purposeRow = try #require(lines.first { $0.hasPrefix("sale_or_share ") })
        #expect(purposeRow.contains("notice") && purposeRow.contains("opt_out") && purposeRow.contains("honoured"))
    }

    @Test(arguments: ["gdpr", "uk-gdpr", "ccpa", "pipl", "lgpd"] as [PolicyID])
    func everyPolicyRendersEverySection(id: PolicyID) throws {
        let table = try #require(TextTableTests.shipped.policies[id]).renderTable()
        for section in [
            "CONSENT AGE", "PURPOSES", "RETENTION", "RIGHTS", "ANONYMIZATION", "TRANSFERS", "BREACH NOTIFICATION",
        ] {
            #expect(table.contains(section))
        }
    }
}
