import CordonTestSupport
import Foundation
import Testing

/// `cordon backup`, `backup verify`, `restore`, `keys split` and `unseal` as an operator
/// types them.
@Suite("cordon CLI: backups, restore and key custody", .serialized)
struct BackupCustodyCommandTests {
    static let subjects = """
        {"externalId":"k-1","country":"DE","birthYear":1990,"pii":{"email":"kai@example.com","name":"Kai Berg"},"consents":[{"purpose":"analytics","state":"granted","source":"cmp","recordedAt":"2025-03-01T10:00:00Z"}]}
        {"externalId":"k-2","country":"DE","birthYear":1991,"pii":{"email":"kim@example.com","name":"Kim Berg"},"consents":[{"purpose":"analytics","state":"granted","source":"cmp","recordedAt":"2025-03-01T10:00:00Z"}]}

        """

    @Test(arguments: [["backup"], ["backup", "verify"], ["restore"], ["unseal"], ["keys", "split"]])
    func everyCommandExplainsItselfWithHelp(_ command: [String]) throws {
        let result = try CordonProcess.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("OVERVIEW: "))
        #expect(result.standardOutput.contains("USAGE: cordon"))
    }

    @Test func backupVerifyEraseAndRestoreFromTheCommandLine() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let data = scratch.url.appendingPathComponent("data").path
        let backup = scratch.url.appendingPathComponent("backup").path
        #expect(try CordonProcess.run(["init", "--data", data]).status == 0)
        #expect(
            try CordonProcess.run(["ingest", "subjects", "-", "--data", data, "-q"], input: Self.subjects).status == 0
        )
        let made = try CordonProcess.run(["backup", "--out", backup, "--data", data])
        #expect(made.status == 0, "\(made.standardError)")
        #expect(made.standardOutput.contains("cordon backup verify \(backup)"))
        #expect(made.standardError.contains("backup: regions/eu.db:"))
        let verified = try CordonProcess.run(["backup", "verify", backup, "--data", data, "--full"])
        #expect(verified.status == 0, "\(verified.standardError)")
        #expect(verified.standardOutput.contains("Every page authenticates"))

        let lookup = try CordonProcess.run(["subject", "lookup", "--external-id", "k-1", "--data", data, "--json"])
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(lookup.standardOutput.utf8)) as? [String: Any])?["subjectId"]
                as? String
        )
        #expect(try CordonProcess.run(["subject", "erase", id, "--data", data]).status == 0)

        let refused = try CordonProcess.run(["restore", backup, "--data", data])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("--force"))
        let restored = try CordonProcess.run(["restore", backup, "--data", data, "--force"])
        #expect(restored.status == 0, "\(restored.standardError)")
        #expect(restored.standardOutput.contains("replayed 1 erasures"))
        let gone = try CordonProcess.run(["subject", "lookup", "--external-id", "k-1", "--data", data, "--json"])
        #expect(gone.status != 0 || !gone.standardOutput.contains(id))
        let kept = try CordonProcess.run(["subject", "lookup", "--external-id", "k-2", "--data", data, "--json"])
        #expect(kept.status == 0)
        #expect(try CordonProcess.run(["audit", "verify", "--data", data]).status == 0)

        // A flipped byte is refused, naming the file.
        let store = URL(fileURLWithPath: backup).appendingPathComponent("regions/eu.db")
        var bytes = try Data(contentsOf: store)
        bytes[bytes.count - 10] ^= 0x40
        try bytes.write(to: store)
        let damaged = try CordonProcess.run(["backup", "verify", backup])
        #expect(damaged.status == 1)
        #expect(damaged.standardError.contains("regions/eu.db"))
    }

    @Test func splitTheKeyThenUnsealASealedServerShareByShare() throws {
        let (scratch, data) = try CordonProcess.initialized()
        defer { withExtendedLifetime(scratch) {} }  // the data directory lives in it
        let split = try CordonProcess.run([
            "keys", "split", "--shares", "3", "--threshold", "2", "--remove-key-file", "--data", data, "--json",
        ])
        #expect(split.status == 0, "\(split.standardError)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(split.standardOutput.utf8)) as? [String: Any]
        )
        let shares = try #require(report["shares"] as? [[String: Any]])
        #expect(shares.count == 3)
        let hex = shares.compactMap { $0["hex"] as? String }
        let words = shares.compactMap { ($0["words"] as? [String])?.joined(separator: " ") }
        #expect(!FileManager.default.fileExists(atPath: data + "/master.key"))
        #expect(try CordonProcess.run(["keys", "status", "--data", data]).status == 1)

        let process = Process()
        process.executableURL = CordonProcess.binary
        process.arguments = ["serve", "--data", data, "--bind", "127.0.0.1:0"]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CORDON_") }
        environment["CORDON_CONFIG"] = CordonProcess.packageRoot.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var banner = Data()
        while !banner.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            banner.append(chunk)
        }
        let text = String(decoding: banner, as: UTF8.self)
        let port = try #require(
            text.split(separator: "127.0.0.1:").last.map { $0.prefix(while: \.isNumber) }.flatMap { Int($0) }
        )
        let url = "http://127.0.0.1:\(port)"

        let mistyped = try CordonProcess.run(["unseal", "--share", "abandon ability", "--url", url])
        #expect(mistyped.status == 64)
        let first = try CordonProcess.run(["unseal", "--share", "-", "--url", url], input: hex[2] + "\n")
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("1 of 2"))
        let second = try CordonProcess.run(["unseal", "--share", words[0], "--url", url])
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput.contains("Unsealed"))
        let again = try CordonProcess.run(["unseal", "--share", hex[1], "--url", url])
        #expect(again.status == 1)
        #expect(again.standardError.contains("already_unsealed"))
    }

    @Test func rotatingTheMasterKeySplitsItAgain() throws {
        let (scratch, data) = try CordonProcess.initialized()
        defer { withExtendedLifetime(scratch) {} }  // the data directory lives in it
        let split = try CordonProcess.run(["keys", "split", "--shares", "3", "--threshold", "2", "--data", data])
        #expect(split.status == 0, "\(split.standardError)")
        #expect(split.standardOutput.components(separatedBy: "  hex:").count == 4)
        #expect(split.standardOutput.contains("still in place"))
        let rotated = try CordonProcess.run(["keys", "rotate", "--master", "--data", data, "--json"])
        #expect(rotated.status == 0, "\(rotated.standardError)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(rotated.standardOutput.utf8)) as? [String: Any]
        )
        #expect((report["shares"] as? [[String: Any]])?.count == 3)
        let newID = try #require(report["masterKeyID"] as? String)
        let custody = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: data + "/custody.json")))
                as? [String: Any]
        )
        #expect(custody["masterKeyID"] as? String == newID)
        #expect(try CordonProcess.run(["keys", "status", "--data", data]).standardOutput.contains(newID))
        #expect(try CordonProcess.run(["audit", "verify", "--data", data]).status == 0)
    }

    @Test func afterTheKeyFileIsRemovedSharesStageItForARotation() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let data = scratch.url.appendingPathComponent("data").path
        let staged = scratch.url.appendingPathComponent("staged.key").path
        #expect(try CordonProcess.run(["init", "--data", data]).status == 0)
        let split = try CordonProcess.run([
            "keys", "split", "--shares", "3", "--threshold", "2", "--remove-key-file", "--data", data, "--json",
        ])
        let shares = try #require(
            (try JSONSerialization.jsonObject(with: Data(split.standardOutput.utf8)) as? [String: Any])?["shares"]
                as? [[String: Any]]
        )
        let hex = shares.compactMap { $0["hex"] as? String }
        let locked = try CordonProcess.run(["keys", "status", "--data", data])
        #expect(locked.status == 1)
        #expect(locked.standardError.contains("cordon keys combine"))

        let foreign = "0101010101010101010101010101010101010101010101010101010101010101010000"
        let typo = try CordonProcess.run(["keys", "combine", "--out", staged, "--data", data], input: foreign + "\n")
        #expect(typo.status == 1)
        #expect(!FileManager.default.fileExists(atPath: staged))
        let combined = try CordonProcess.run(
            ["keys", "combine", "--out", staged, "--data", data],
            input: hex[0] + "\n" + hex[2] + "\n"
        )
        #expect(combined.status == 0, "\(combined.standardError)")
        let environment = ["CORDON_MASTER_KEY_FILE": staged]
        #expect(try CordonProcess.run(["keys", "status", "--data", data], environment: environment).status == 0)
        let rotated = try CordonProcess.run(
            ["keys", "rotate", "--master", "--data", data, "--json"],
            environment: environment
        )
        #expect(rotated.status == 0, "\(rotated.standardError)")
        #expect(!FileManager.default.fileExists(atPath: staged))
        let newShares = try #require(
            (try JSONSerialization.jsonObject(with: Data(rotated.standardOutput.utf8)) as? [String: Any])?["shares"]
                as? [[String: Any]]
        )
        let newHex = newShares.compactMap { $0["hex"] as? String }
        // The old shares open nothing now; the new ones do.
        let old = try CordonProcess.run(
            ["keys", "combine", "--out", staged, "--data", data],
            input: hex[0] + "\n" + hex[1] + "\n"
        )
        #expect(old.status == 1)
        #expect(old.standardError.contains("master-key check"))
        let new = try CordonProcess.run(
            ["keys", "combine", "--out", staged, "--data", data],
            input: newHex[1] + "\n" + newHex[2] + "\n"
        )
        #expect(new.status == 0, "\(new.standardError)")
    }
}
