import CordonTestSupport
import Foundation
import Testing

@Suite("cordon CLI: init, keys, policy, region", .serialized)
struct FoundationCommandTests {
    static let commands = [
        [], ["init"], ["keys"], ["keys", "status"], ["keys", "rotate"], ["policy"], ["policy", "lint"],
        ["policy", "show"], ["region"], ["region", "of"], ["region", "list"], ["version"],
        ["ingest"], ["ingest", "subjects"], ["ingest", "events"], ["subject"], ["subject", "lookup"],
        ["subject", "export"], ["subject", "erase"], ["subject", "rectify"], ["subject", "consent"], ["retention"],
        ["retention", "run"], ["store"], ["store", "verify"], ["store", "restore"], ["audit"], ["audit", "verify"],
        ["audit", "tail"], ["audit", "search"], ["audit", "checkpoint"], ["audit", "prove"], ["audit", "pubkey"],
        ["receipt"], ["receipt", "verify"], ["keys", "rotate"],
    ]

    @Test(arguments: commands)
    func everyCommandExplainsItselfWithHelp(_ command: [String]) throws {
        let result = try CordonProcess.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("OVERVIEW: "))
        #expect(result.standardOutput.contains("USAGE: cordon"))
        #expect(result.standardOutput.contains("-h, --help"))
    }

    @Test func rootHelpListsEveryCommand() throws {
        let result = try CordonProcess.run(["--help"])
        for name in [
            "audit", "demo-data", "dsr", "init", "ingest", "keys", "policy", "receipt", "region", "retention", "store",
            "subject", "version",
        ] {
            #expect(result.standardOutput.contains("\n  \(name) "))
        }
    }

    @Test func usageErrorsExit64WithAHint() throws {
        let unknownOption = try CordonProcess.run(["init", "--bogus"])
        #expect(unknownOption.status == 64)
        #expect(unknownOption.standardError.contains("error: unknown option '--bogus'"))
        #expect(unknownOption.standardError.contains("See 'cordon init --help'"))
        let unknownCommand = try CordonProcess.run(["frobnicate"])
        #expect(unknownCommand.status == 64)
        let missingValue = try CordonProcess.run(["init", "--data"])
        #expect(missingValue.status == 64)
        #expect(missingValue.standardError.contains("--data needs a value"))
        let bothModes = try CordonProcess.run(["keys", "rotate", "--master", "--region", "eu"])
        #expect(bothModes.status == 64)
    }

    @Test(arguments: [("DE", "eu"), ("no", "eu"), (" GB ", "uk"), ("US", "us"), ("CN", "cn"), ("BR", "br")])
    func regionOfPrintsTheRegionId(country: String, region: String) throws {
        let result = try CordonProcess.run(["region", "of", country])
        #expect(result.status == 0)
        #expect(result.standardOutput == "\(region)\n")
    }

    @Test func regionOfAnUnmappedCountryFailsWithAReason() throws {
        let result = try CordonProcess.run(["region", "of", "UK"])
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        #expect(
            result.standardError
                == "error: no region stores residents of 'UK' (the ISO code of the United Kingdom is GB); subjects from there are rejected at ingest (unknown_country)\n"
        )
    }

    @Test func regionOfWithJSONPrintsOneDocument() throws {
        let result = try CordonProcess.run(["region", "of", "fr", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: String]
        #expect(object == ["country": "FR", "region": "eu", "policy": "gdpr"])
    }

    @Test func policyLintPassesOnTheShippedFiles() throws {
        let result = try CordonProcess.run(["policy", "lint"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("ok: 5 policies, 5 regions"))
    }

    @Test func policyLintFailsOnABrokenCopyNamingFileAndPath() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        for folder in ["policies", "regions"] {
            try FileManager.default.copyItem(
                at: CordonProcess.packageRoot.appendingPathComponent(folder),
                to: scratch.url.appendingPathComponent(folder)
            )
        }
        let gdpr = scratch.url.appendingPathComponent("policies/gdpr.json")
        var text = try String(contentsOf: gdpr, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"lawfulBasis\": \"contract\"", with: "\"lawfulBasis\": \"vibes\"")
        try text.write(to: gdpr, atomically: true, encoding: .utf8)
        let result = try CordonProcess.run(["policy", "lint", "--config", scratch.path])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("policies/gdpr.json"))
        #expect(result.standardOutput.contains("$.purposes.order_fulfillment.lawfulBasis"))
        #expect(result.standardError.contains("problem"))
        let json = try CordonProcess.run(["policy", "lint", "--config", scratch.path, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect(report?["ok"] as? Bool == false)
    }

    @Test func policyShowPrintsTheRulesInForce() throws {
        let result = try CordonProcess.run(["policy", "show", "us"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("Region us"))
        for section in ["PURPOSES", "RETENTION", "RIGHTS"] {
            #expect(result.standardOutput.contains(section))
        }
        let unknown = try CordonProcess.run(["policy", "show", "mars"])
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("valid: br, ccpa, cn, eu, gdpr, lgpd, pipl, uk, uk-gdpr, us"))
    }

    @Test func initTwiceKeepsEverythingAndReportsIt() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let data = scratch.url.appendingPathComponent("data").path
        let first = try CordonProcess.run(["init", "--data", data, "--json"])
        #expect(first.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any]
        #expect((report?["created"] as? [String])?.contains("regions/eu.keys") == true)
        let key = try Data(contentsOf: URL(fileURLWithPath: data + "/master.key"))
        let second = try CordonProcess.run(["init", "--data", data])
        #expect(second.status == 0)
        #expect(second.standardOutput.contains("already initialized; nothing was overwritten"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: data + "/master.key")) == key)
    }

    @Test func aWrongMasterKeyFailsInOneLine() throws {
        let (scratch, data) = try CordonProcess.initialized()
        let wrong = scratch.url.appendingPathComponent("wrong.key")
        try Data(repeating: 7, count: 32).write(to: wrong)
        let result = try CordonProcess.run(
            ["keys", "status", "--data", data],
            environment: ["CORDON_MASTER_KEY_FILE": wrong.path]
        )
        #expect(result.status == 1)
        #expect(result.standardError.hasPrefix("error: the master key from \(wrong.path) does not open"))
        #expect(result.standardError.filter { $0 == "\n" }.count == 1)
    }

    @Test func rotationsKeepTheDirectoryUsable() throws {
        let (scratch, data) = try CordonProcess.initialized()
        defer { withExtendedLifetime(scratch) {} }  // the data directory lives in it
        let kek = try CordonProcess.run(["keys", "rotate", "--region", "eu", "--data", data])
        #expect(kek.standardOutput.contains("region:eu: KEK v2 is active"))
        let master = try CordonProcess.run(["keys", "rotate", "--master", "--data", data, "--json"])
        #expect(master.status == 0)
        let status = try CordonProcess.run(["keys", "status", "--data", data, "--json"])
        #expect(status.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any]
        let keyrings = object?["keyrings"] as? [[String: Any]]
        #expect(keyrings?.count == 7)
        #expect(keyrings?.first { $0["name"] as? String == "region:eu" }?["kekVersions"] as? [Int] == [1, 2])
    }

    @Test func passphraseModeWorksAndNeedsThePassphrase() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let data = scratch.url.appendingPathComponent("data").path
        let env = ["CORDON_PASSPHRASE": "a long passphrase for tests"]
        #expect(try CordonProcess.run(["init", "--data", data], environment: env).status == 0)
        #expect(!FileManager.default.fileExists(atPath: data + "/master.key"))
        #expect(try CordonProcess.run(["keys", "status", "--data", data], environment: env).status == 0)
        let without = try CordonProcess.run(["keys", "status", "--data", data])
        #expect(without.status == 1)
        #expect(without.standardError.contains("set CORDON_PASSPHRASE"))
    }
}
