import CordonTestSupport
import Foundation
import Glibc
import Testing

/// `cordon audit witness` against a node served by `cordon serve --witness`, and
/// `cordon audit witnesses` on both sides, run as an operator would.
@Suite("cordon audit witness and witnesses", .timeLimit(.minutes(2)))
struct WitnessCommandTests {
    struct ServeFailed: Error {
        var output: String
    }

    /// `cordon serve --data data --bind 127.0.0.1:0 extra...` in the background, and its port.
    static func serve(_ data: String, _ extra: [String]) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = CordonProcess.binary
        process.arguments = ["serve", "--data", data, "--bind", "127.0.0.1:0"] + extra
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CORDON_") }
        environment["CORDON_CONFIG"] = CordonProcess.packageRoot.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard
            let port = text.split(separator: ":").last.flatMap({
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            })
        else {
            process.terminate()
            throw ServeFailed(output: text)
        }
        return (process, port)
    }

    static func stop(_ process: Process) {
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @Test func oneRoundVerifiesCosignsAndDeliversAndBothSidesListIt() throws {
        let (scratchA, a) = try CordonProcess.initialized()
        let (scratchB, b) = try CordonProcess.initialized()
        _ = (scratchA, scratchB)
        let keyA = try CordonProcess.run(["audit", "pubkey", "--data", a]).standardOutput.trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        let keyB = try CordonProcess.run(["audit", "pubkey", "--data", b]).standardOutput.trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        let created = try CordonProcess.run([
            "token", "create", "--data", b, "--role", "dpo", "--regions", "*", "--name", "witness-a", "--json",
        ])
        #expect(created.status == 0, "\(created.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any]
        let token = try #require(json?["token"] as? String)
        let (server, port) = try Self.serve(
            b,
            ["--witness", "a=http://127.0.0.1:9=\(keyA)", "--witness-interval", "0"]
        )
        let arguments = ["audit", "witness", "--data", a, "--peer", "b=http://127.0.0.1:\(port)", "--key", keyB]
        let first = try CordonProcess.run(arguments, environment: ["CORDON_WITNESS_TOKEN": token])
        let second = try CordonProcess.run(arguments, environment: ["CORDON_WITNESS_TOKEN": token])
        let refused = try CordonProcess.run(arguments)  // no token: the peer answers 401
        Self.stop(server)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("signature verified") && first.standardOutput.contains("first sight"))
        #expect(first.standardOutput.contains("cosigned: \u{2014} cordon.audit/"))
        #expect(first.standardOutput.contains("the peer accepted the cosignature"))
        #expect(!first.standardOutput.contains(token) && !first.standardError.contains(token))
        #expect(
            second.status == 0 && second.standardOutput.contains("RFC 9162 proof verified"),
            "\(second.standardOutput)"
        )
        #expect(refused.status == 1 && refused.standardError.contains("401"), "\(refused.standardError)")

        let onB = try CordonProcess.run(["audit", "witnesses", "--data", b])
        #expect(onB.status == 0 && onB.standardOutput.contains("by a (cordon.audit/"), "\(onB.standardOutput)")
        let onA = try CordonProcess.run(["audit", "witnesses", "--data", a, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(onA.standardOutput.utf8)) as? [String: Any]
        let peers = try #require(report?["peers"] as? [[String: Any]])
        #expect(peers.map { $0["peer"] as? String } == ["b"] && peers.first?["alarm"] == nil)
    }

    @Test func aMalformedPeerOrKeyIsAUsageErrorAndAnUnreachablePeerFailsTheRound() throws {
        let (scratch, data) = try CordonProcess.initialized()
        _ = scratch
        let key = try CordonProcess.run(["audit", "pubkey", "--data", data]).standardOutput.trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        let badName = try CordonProcess.run(["audit", "witness", "--data", data, "--peer", "B=http://x", "--key", key])
        #expect(badName.status == 64 && badName.standardError.contains("a-z 0-9"), "\(badName.standardError)")
        let badKey = try CordonProcess.run(["audit", "witness", "--data", data, "--peer", "b=http://x", "--key", "k"])
        #expect(badKey.status == 64 && badKey.standardError.contains("cordon audit pubkey"))
        let missing = try CordonProcess.run(["audit", "witness", "--data", data])
        #expect(missing.status == 64)
        let down = try CordonProcess.run([
            "audit", "witness", "--data", data, "--peer", "b=http://127.0.0.1:9", "--key", key,
        ])
        #expect(down.status == 1 && down.standardError.contains("peer b"), "\(down.standardError)")
        let serve = try CordonProcess.run(["serve", "--data", data, "--witness", "b=ftp://x=\(key)"])
        #expect(serve.status == 64 && serve.standardError.contains("http(s) URL"), "\(serve.standardError)")
        let listed = try CordonProcess.run(["audit", "witnesses", "--data", data])
        #expect(listed.standardOutput.contains("none yet") && listed.standardOutput.contains("peers witnessed: none"))
    }
}
