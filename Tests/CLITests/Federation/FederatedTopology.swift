import CordonTestSupport
import Foundation

/// `scripts/federated.sh` driven from a test: a namespace prefix and subnet of its own, the
/// debug binary, witnessing every second.
struct FederatedTopology {
    static var available: Bool {
        getuid() == 0
            && ["/usr/sbin/ip", "/usr/bin/openssl", "/usr/bin/curl"].allSatisfy {
                FileManager.default.isExecutableFile(atPath: $0)
            }
    }

    let directory: TemporaryDirectory
    let regions: [String]
    let environment: [String: String]
    let prefix: String

    init(regions: [String]) throws {
        Self.reapAbandoned()
        directory = try TemporaryDirectory(prefix: "cordon-federated")
        try Data("\(getpid())\n".utf8).write(to: URL(filePath: directory.path("owner.pid")))
        self.regions = regions
        prefix = "t" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(4))
        environment = [
            "CORDON": CordonProcess.binary.path, "FED_REGIONS": regions.joined(separator: " "), "FED_PREFIX": prefix,
            "FED_SUBNET": "10.78.\(Int.random(in: 1...250))", "FED_WITNESS_INTERVAL": "1",
            "CORDON_CONFIG": CordonProcess.packageRoot.path,
        ]
        let up = try Self.run(["/bin/bash", script, "up", directory.path("nodes")], environment: environment)
        guard up.status == 0 else {
            down()
            throw TopologyFailure("federated.sh up failed: \(up.standardError)")
        }
    }

    var script: String { CordonProcess.packageRoot.appending(path: "scripts/federated.sh").path }

    func path(_ relative: String) -> String { directory.path("nodes/\(relative)") }

    /// A node's URL (`coord`: the coordinator's), as federated.sh assigns them.
    func url(_ node: String) -> String {
        let subnet = environment["FED_SUBNET"]!
        guard let index = regions.firstIndex(of: node) else { return "https://\(subnet).10:8443" }
        return "https://\(subnet).\(11 + index):8443"
    }

    func token(_ node: String, _ role: String) throws -> String {
        try String(contentsOfFile: path("tokens/\(node).\(role)"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func script(_ action: String, _ node: String) throws {
        let result = try Self.run(
            ["/bin/bash", script, action, directory.path("nodes"), node],
            environment: environment
        )
        guard result.status == 0 else {
            throw TopologyFailure("federated.sh \(action) \(node): \(result.standardError)")
        }
    }

    /// SIGKILL to a node's server: no clean shutdown.
    func kill(_ node: String) throws {
        let pid = try String(contentsOfFile: path("\(node).pid"), encoding: .utf8)
        let result = try Self.run(
            ["/bin/kill", "-9", pid.trimmingCharacters(in: .whitespacesAndNewlines)],
            environment: [:]
        )
        guard result.status == 0 else { throw TopologyFailure("kill -9 \(node): \(result.standardError)") }
        try? FileManager.default.removeItem(atPath: path("\(node).pid"))
    }

    /// Runs a command in the client namespace (which trusts the topology's CA).
    func inClient(_ arguments: [String]) throws -> CordonProcess.Result {
        try Self.run(["/usr/sbin/ip", "netns", "exec", "\(prefix)-client"] + arguments, environment: environment)
    }

    /// A JSON object from a node, over TLS with the topology's CA.
    func get(_ node: String, _ route: String, token: String?) throws -> [String: Any] {
        try curl(url(node) + route, token: token)
    }

    func post(_ node: String, _ route: String, _ body: [String: Any], token: String) throws -> [String: Any] {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return try curl(
            url(node) + route,
            token: token,
            extra: ["-H", "Content-Type: application/json", "--data", json]
        )
    }

    private func curl(_ url: String, token: String?, extra: [String] = []) throws -> [String: Any] {
        var arguments = ["/usr/bin/curl", "-sS", "--max-time", "20", "--cacert", path("tls/ca.pem")] + extra
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        let result = try Self.run(arguments + [url], environment: [:])
        return (try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]) ?? [:]
    }

    /// Polls `probe` until it returns a value (60 s at most).
    func waitFor<T>(_ what: String, _ probe: () throws -> T?) throws -> T {
        for _ in 0..<300 {
            if let value = try probe() { return value }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw TopologyFailure("timed out waiting for \(what)")
    }

    /// Files under the topology holding `needle` (stores, keyrings, trails, logs), but `except`.
    func filesContaining(_ needle: Data, except: String) throws -> [String] {
        var found: [String] = []
        let files = FileManager.default.enumerator(at: URL(filePath: path("")), includingPropertiesForKeys: nil)
        for case let file as URL in files?.allObjects ?? [] {
            guard file.path != except, let data = try? Data(contentsOf: file) else { continue }
            if data.range(of: needle) != nil { found.append(file.path) }
        }
        return found
    }

    /// Takes down topologies whose test process died before its `down` (a killed `swift test`
    /// leaves namespaces, links and servers behind): `federated.sh down` finds each from the
    /// prefix it recorded, and the servers from their data directories.
    static func reapAbandoned() {
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix("cordon-federated-") {
            let root = temporary.appending(path: name)
            guard
                let text = try? String(contentsOf: root.appending(path: "owner.pid"), encoding: .utf8),
                let owner = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                Glibc.kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            let script = CordonProcess.packageRoot.appending(path: "scripts/federated.sh").path
            _ = try? run(["/bin/bash", script, "down", root.appending(path: "nodes").path], environment: [:])
            try? FileManager.default.removeItem(at: root)
        }
    }

    func down() {
        _ = try? Self.run(["/bin/bash", script, "down", directory.path("nodes")], environment: environment)
    }

    /// Runs a program to its end. Output goes to files, not pipes: a server the script
    /// starts must not hold a descriptor this process waits on (federated.sh closes every
    /// inherited descriptor but 0–2 before it starts one, see `spawn`).
    static func run(_ arguments: [String], environment: [String: String]) throws -> CordonProcess.Result {
        let process = Process()
        process.executableURL = URL(filePath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let scratch = FileManager.default.temporaryDirectory.appending(path: "federated-\(UUID().uuidString)")
        let (outURL, errURL) = (scratch.appendingPathExtension("out"), scratch.appendingPathExtension("err"))
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return CordonProcess.Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
            standardError: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        )
    }
}

struct TopologyFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
