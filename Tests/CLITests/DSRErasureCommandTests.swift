import CordonTestSupport
import Foundation
import Testing

/// `cordon dsr open`, `subject erase --request` and `store restore --control` as an
/// operator types them.
@Suite("cordon CLI: requests checked before erasure, control.db restore", .serialized)
struct DSRErasureCommandTests {
    static let subject = """
        {"externalId":"c-1","country":"DE","birthYear":1990,"pii":{"email":"anna@example.com","name":"Anna Berg"},"consents":[{"purpose":"analytics","state":"granted","source":"cmp","recordedAt":"2025-03-01T10:00:00Z"}]}

        """

    @Test func aWrongRequestErasesNothingAndTheRightOneYieldsTheSameReceiptTwice() throws {
        let (scratch, data) = try CordonProcess.initialized()
        #expect(
            try CordonProcess.run(["ingest", "subjects", "-", "--data", data, "-q"], input: Self.subject).status == 0
        )
        let lookup = try CordonProcess.run(["subject", "lookup", "--external-id", "c-1", "--data", data, "--json"])
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(lookup.standardOutput.utf8)) as? [String: Any])?["subjectId"]
                as? String
        )
        func open(_ arguments: String...) throws -> (status: Int32, id: String?, error: String) {
            let result = try CordonProcess.run(["dsr", "open"] + arguments + ["--data", data, "--json"])
            let object = try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
            #expect(result.status != 0 || object?["region"] as? String == "eu")
            return (result.status, object?["id"] as? String, result.standardError)
        }

        let mismatch = try open("--right", "erasure", "--subject", id, "--region", "us")
        #expect(mismatch.status == 1)
        #expect(mismatch.error.contains("held in region eu"))
        let access = try #require(try open("--right", "access", "--subject", id).id)

        let wrong = try CordonProcess.run(["subject", "erase", id, "--request", access, "--data", data])
        #expect(wrong.status == 1)
        #expect(
            wrong.standardError.contains("is a access request") && wrong.standardError.contains("nothing was changed")
        )
        #expect(try CordonProcess.run(["subject", "lookup", "--external-id", "c-1", "--data", data]).status == 0)

        let backup = scratch.url.appendingPathComponent("control-backup.db").path
        try FileManager.default.copyItem(atPath: data + "/control.db", toPath: backup)

        let erasure = try #require(try open("--right", "erasure", "--subject", id).id)
        let erased = try CordonProcess.run(["subject", "erase", id, "--request", erasure, "--data", data])
        #expect(erased.status == 0)
        let again = try CordonProcess.run(["subject", "erase", id, "--data", data])
        #expect(again.status == 0)
        #expect(again.standardOutput == erased.standardOutput, "the original receipt")

        // An older control.db is refused at open, and accepted only through restore --control.
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: data + "/control.db" + suffix)
        }
        try FileManager.default.copyItem(atPath: backup, toPath: data + "/control.db")
        #expect(try CordonProcess.run(["dsr", "list", "--data", data]).status == 1)
        let usage = try CordonProcess.run(["store", "restore", "--control", backup, "--region", "eu", "--data", data])
        #expect(usage.status == 64)
        let restore = try CordonProcess.run(["store", "restore", "--control", backup, "--data", data])
        #expect(restore.status == 0, "\(restore.standardError)")
        #expect(restore.standardOutput.hasPrefix("restored control.db from \(backup); now at commit "))
        #expect(restore.standardOutput.contains("1 tombstone(s)"))
        #expect(restore.standardOutput.contains("request \(erasure): the trail records dsr.complete"))
        #expect(restore.standardOutput.contains("the restored register has it missing"))
        #expect(try CordonProcess.run(["dsr", "list", "--data", data]).status == 0)
        #expect(try CordonProcess.run(["subject", "lookup", "--external-id", "c-1", "--data", data]).status == 1)
    }
}
