import CordonTestSupport
import Foundation
import Glibc
import Testing

/// `cordon serve` and `cordon token` run as a user would.
@Suite("cordon serve and token")
struct ServeCommandTests {
    @Test("token create --json prints the secret once; list never shows it; revoke marks it")
    func tokenLifecycle() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        #expect(try CordonProcess.run(["init", "--data", scratch.path]).status == 0)
        let created = try CordonProcess.run(
            [
                "token", "create", "--data", scratch.path, "--role", "dpo", "--regions", "eu,br", "--name", "dpo-1",
                "--json",
            ])
        #expect(created.status == 0)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any]
        )
        let secret = try #require(json["token"] as? String)
        #expect(secret.hasPrefix("cordon_") && secret.count == 71)
        #expect(json["regions"] as? [String] == ["br", "eu"] && json["role"] as? String == "dpo")
        let list = try CordonProcess.run(["token", "list", "--data", scratch.path, "--json"])
        #expect(list.status == 0 && !list.standardOutput.contains(secret) && list.standardOutput.contains("dpo-1"))
        let revoked = try CordonProcess.run(["token", "revoke", "--data", scratch.path, json["id"] as! String])
        #expect(revoked.status == 0)
        let usage = try CordonProcess.run([
            "token", "create", "--data", scratch.path, "--role", "root", "--regions", "eu", "--name", "x",
        ])
        #expect(usage.status == 64)
    }

    @Test("an analyst token names its purposes; names are unique among active tokens")
    func analystTokensAndUniqueNames() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        #expect(try CordonProcess.run(["init", "--data", scratch.path]).status == 0)
        func create(_ arguments: String...) throws -> CordonProcess.Result {
            try CordonProcess.run(["token", "create", "--data", scratch.path] + arguments)
        }
        let analyst = try create(
            "--role",
            "analyst",
            "--regions",
            "eu",
            "--name",
            "ana",
            "--purposes",
            "marketing_email,analytics",
            "--json"
        )
        #expect(analyst.status == 0, "\(analyst.standardError)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(analyst.standardOutput.utf8)) as? [String: Any]
        )
        #expect(json["purposes"] as? [String] == ["analytics", "marketing_email"])
        let list = try CordonProcess.run(["token", "list", "--data", scratch.path])
        #expect(list.standardOutput.contains("purposes analytics,marketing_email"), "\(list.standardOutput)")
        let listed = try CordonProcess.run(["token", "list", "--data", scratch.path, "--json"])
        #expect(listed.standardOutput.contains("\"purposes\""))

        let missing = try create("--role", "analyst", "--regions", "eu", "--name", "b")
        #expect(missing.status == 64 && missing.standardError.contains("--purposes"), "\(missing.standardError)")
        let notForDPO = try create("--role", "dpo", "--regions", "eu", "--name", "c", "--purposes", "analytics")
        #expect(notForDPO.status == 64 && notForDPO.standardError.contains("analyst tokens only"))
        let contract = try create(
            "--role",
            "analyst",
            "--regions",
            "eu",
            "--name",
            "d",
            "--purposes",
            "order_fulfillment"
        )
        #expect(contract.status == 64, "\(contract.standardError)")
        #expect(contract.standardError.contains("purpose 'order_fulfillment' may not be queried"))
        #expect(contract.standardError.contains("queryable purposes: analytics, marketing_email, ads_personalization"))

        let taken = try create("--role", "dpo", "--regions", "eu", "--name", "ana")
        #expect(taken.status == 1 && taken.standardError.contains("already named 'ana'"), "\(taken.standardError)")
        let id = try #require(json["id"] as? String)
        #expect(try CordonProcess.run(["token", "revoke", "--data", scratch.path, id]).status == 0)
        #expect(try create("--role", "dpo", "--regions", "eu", "--name", "ana").status == 0)
    }

    @Test("serve and coordinator refuse plain HTTP on a non-loopback address (usage error)")
    func refusesPlainNonLoopback() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let result = try CordonProcess.run(["serve", "--data", scratch.path, "--bind", "0.0.0.0:8080"])
        #expect(result.status == 64 && result.standardError.contains("--tls-cert"))
        let coordinator = try CordonProcess.run(["coordinator", "--data", scratch.path, "--bind", "0.0.0.0:8080"])
        #expect(coordinator.status == 64 && coordinator.standardError.contains("refusing to serve plain HTTP"))
        let halfTLS = try CordonProcess.run(["coordinator", "--data", scratch.path, "--tls-cert", "cert.pem"])
        #expect(halfTLS.status == 64 && halfTLS.standardError.contains("--tls-cert and --tls-key go together"))
        let format = try CordonProcess.run(["serve", "--data", scratch.path, "--log-format", "xml"])
        #expect(format.status == 64 && format.standardError.contains("--log-format must be text or json, got 'xml'"))
    }

    @Test("serve listens, answers, logs JSON lines, and exits 0 on SIGTERM with the audit trail intact")
    func serveAndStop() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        #expect(try CordonProcess.run(["init", "--data", scratch.path]).status == 0)
        let process = Process()
        process.executableURL = CordonProcess.binary
        process.arguments = ["serve", "--data", scratch.path, "--bind", "127.0.0.1:0", "--log-format", "json"]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CORDON_") }
        environment["CORDON_CONFIG"] = CordonProcess.packageRoot.path
        process.environment = environment
        let output = Pipe()
        let log = Pipe()
        process.standardOutput = output
        process.standardError = log
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let port = try #require(
            text.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        )
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)
        let request = "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        _ = request.withCString { Glibc.send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        close(fd)
        #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        process.terminate()  // SIGTERM
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("cordon serve did not exit within 20 s of SIGTERM")
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // Every stderr line is one JSON object; the probe has its access line.
        let lines = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(!lines.isEmpty && lines.allSatisfy { $0 != nil }, "\(lines)")
        let access = lines.compactMap { $0 }.filter { $0["label"] as? String == "cordon.access" }
        #expect(
            access.count == 1 && access.first?["route"] as? String == "/readyz"
                && access.first?["status"] as? Int == 200
        )
        #expect(lines.compactMap { $0?["message"] as? String }.last == "stopped cleanly")
        #expect(try CordonProcess.run(["audit", "verify", "--data", scratch.path]).status == 0)
    }
}
