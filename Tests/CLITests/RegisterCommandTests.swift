import CordonTestSupport
import Foundation
import Testing

/// `cordon breach`, `cordon ropa` and `cordon transfer`, run as the built binary.
@Suite("cordon breach, ropa, transfer", .serialized)
struct RegisterCommandTests {
    @Test(arguments: [
        ["breach"], ["breach", "open"], ["breach", "list"], ["breach", "show"], ["breach", "update"],
        ["breach", "notify"], ["breach", "close"], ["breach", "scope"], ["breach", "notice"], ["ropa"],
        ["transfer"], ["transfer", "request"], ["transfer", "list"],
    ])
    func everyRegisterCommandExplainsItself(_ command: [String]) throws {
        let result = try CordonProcess.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("OVERVIEW: "))
        #expect(result.standardOutput.contains("USAGE: cordon \(command[0])"))
    }

    @Test func aMissedDeadlineIsFlaggedOverdueInTheList() throws {
        let instance = try DSRCommandTests.Instance()
        let opened = try CordonProcess.run([
            "breach", "open", "--title", "Lost laptop", "--detected-at", "2026-03-06T09:00:00Z", "--regions", "eu,br",
            "--now", "2026-03-06T10:00:00Z", "--data", instance.data, "--json",
        ])
        #expect(opened.status == 0, "\(opened.standardError)")
        let breach = try #require(
            try JSONSerialization.jsonObject(with: Data(opened.standardOutput.utf8)) as? [String: Any]
        )
        let id = try #require(breach["id"] as? String)
        #expect(breach["overdue"] as? Bool == false)

        // Friday 09:00: GDPR 72 hours is Monday 09:00; LGPD 3 business days is Wednesday 09:00.
        let before = try CordonProcess.run(["breach", "list", "--now", "2026-03-09T08:00:00Z", "--data", instance.data])
        #expect(before.status == 0)
        #expect(before.standardOutput.contains("eu authority (gdpr): due 2026-03-09T09:00:00.000Z, 1h 0m left"))
        #expect(before.standardOutput.contains("br authority (lgpd): due 2026-03-11T09:00:00.000Z"))
        #expect(!before.standardOutput.contains("OVERDUE"))
        let after = try CordonProcess.run(["breach", "list", "--now", "2026-03-09T10:00:00Z", "--data", instance.data])
        #expect(after.standardOutput.contains("OVERDUE eu authority (gdpr)"))
        #expect(after.standardOutput.contains("\(id)  open"))

        let notice = try CordonProcess.run(["breach", "notice", id, "--region", "eu", "--data", instance.data])
        #expect(notice.status == 0)
        #expect(notice.standardOutput.contains("GDPR Art. 33(3)(d)"))
        let wrong = try CordonProcess.run(["breach", "notice", id, "--region", "cn", "--data", instance.data])
        #expect(wrong.status == 1 && wrong.standardError.contains("does not affect region cn"))
    }

    @Test func badInputIsAUsageErrorOrAPreciseRefusal() throws {
        let instance = try DSRCommandTests.Instance()
        let missing = try CordonProcess.run(["breach", "open", "--title", "x", "--data", instance.data])
        #expect(missing.status == 64 && missing.standardError.contains("--detected-at"))
        let region = try CordonProcess.run([
            "breach", "open", "--title", "x", "--detected-at", "2026-03-06T09:00:00Z", "--regions", "eu,mars",
            "--data", instance.data,
        ])
        #expect(region.status == 64 && region.standardError.contains("mars"))
        let email = try CordonProcess.run([
            "breach", "open", "--title", "a@b.example leaked", "--detected-at", "2026-03-06T09:00:00Z", "--regions",
            "eu",
            "--data", instance.data,
        ])
        #expect(email.status == 1 && email.standardError.contains("title:"))
    }

    @Test(arguments: ["md", "json", "csv"])
    func theROPAPrintsInEachFormat(_ format: String) throws {
        let instance = try DSRCommandTests.Instance()
        let result = try CordonProcess.run(["ropa", "--format", format, "--data", instance.data])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("order_fulfillment"))
        #expect(result.standardOutput.contains("policies/pipl.json transfers.separateConsent"))
    }

    @Test func aPIPLTransferWithoutSeparateConsentIsRefusedWithTheNextStep() throws {
        let instance = try DSRCommandTests.Instance()
        let line =
            #"{"externalId":"cn-1","country":"CN","birthYear":1980,"consents":[{"purpose":"analytics","state":"granted","source":"test","recordedAt":"2026-01-01T00:00:00Z"}],"signals":{"gpc":false}}"#
        let ingest = try CordonProcess.run(["ingest", "subjects", "-", "--data", instance.data], input: line + "\n")
        #expect(ingest.status == 0, "\(ingest.standardError)")
        let lookup = try CordonProcess.run([
            "subject", "lookup", "--external-id", "cn-1", "--data", instance.data, "--json",
        ])
        let found = try JSONSerialization.jsonObject(with: Data(lookup.standardOutput.utf8))
        let subject = try #require(
            ((found as? [[String: Any]])?.first ?? (found as? [String: Any]))?["subjectId"] as? String
        )
        let refused = try CordonProcess.run([
            "transfer", "request", "--subject", subject, "--to", "DE", "--mechanism", "cac-standard-contract",
            "--data", instance.data,
        ])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("PIPL Art. 39"))
        #expect(refused.standardError.contains("--purpose cross_border_transfer --state granted"))
        let consent = try CordonProcess.run([
            "subject", "consent", subject, "--purpose", "cross_border_transfer", "--state", "granted",
            "--source", "form-7", "--data", instance.data,
        ])
        #expect(consent.status == 0, "\(consent.standardError)")
        let recorded = try CordonProcess.run([
            "transfer", "request", "--subject", subject, "--to", "DE", "--mechanism", "cac-standard-contract",
            "--data", instance.data,
        ])
        #expect(recorded.status == 0, "\(recorded.standardError)")
        #expect(recorded.standardOutput.contains("1 people transferred from cn this year"))
        #expect(recorded.standardOutput.contains("Separate consent relied on: form-7, recorded "))
        let list = try CordonProcess.run(["transfer", "list", "--data", instance.data])
        #expect(list.standardOutput.contains("cn -> DE  cac-standard-contract"))
    }
}
