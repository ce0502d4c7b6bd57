import CordonCore
import CordonServer
import Dispatch
import Foundation

/// `cordon serve`: the HTTP API on libmicrohttpd.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (bearer tokens, roles, regions; every request audited).",
        discussion: """
            Opens the vault with the master key the environment names, as every command does. Without \
            it (no CORDON_PASSPHRASE for a passphrase directory, or an unreadable key file) the server \
            starts sealed: /healthz answers 200, /readyz 503 {"code":"sealed"}, and POST /v1/unseal \
            with {"passphrase": ...} or {"masterKeyHex": ...} from the server's own host opens it — or, \
            when the key is held as shares (`keys split --remove-key-file`), one {"share": ...} per \
            holder until the threshold (`cordon unseal --share -`). With --backup-dir, POST \
            /v1/backups makes online backups there. With --witness NAME=URL=KEY (repeatable) it \
            witnesses each peer's audit trail every --witness-interval seconds — verifies, proves \
            consistency, cosigns, or raises an alarm on /readyz and /metrics — and accepts those peers' \
            cosignatures of its own trail (decision 0025). \
            Plain HTTP only on loopback; other addresses need --tls-cert and --tls-key. SIGINT or \
            SIGTERM stop accepting, finish requests in flight, close the stores and the audit trail, \
            and exit 0. The server holds the data directory: other commands wait until it stops. \
            It logs on stderr: one line per request (request id, route template, token name, status, \
            latency; never a path identifier, query, body or secret) and its own events, as text or, \
            with --log-format json, one JSON object a line.

            A region node (decision 0024) serves only the regions its cordon.json holds (`cordon init \
            --regions`), or fewer with --regions (never more); requests for any other region get 421 \
            Misdirected Request naming the node that serves it, from cordon.json's nodes or --node \
            REGION=URL. GET /v1/regions lists every region with its node URL (this node's own is the \
            bound address, or --public-url when others reach it under another name).

            Example: cordon serve --bind 127.0.0.1:8080
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(
                .bind,
                valueName: "ADDR:PORT",
                help:
                    "Address to listen on: IPv4 or [IPv6] (default 127.0.0.1:8080; [::1]:8080 for IPv6; port 0 picks one)."
            )
        ] + ServeListenOptions.tlsSpecs + [
            .option(.threads, valueName: "N", help: "Worker threads (default 16 per core, at least 64)."),
            .option(.maxBodyBytes, valueName: "N", help: "Largest request body (default 8388608)."),
            .option(.maxLines, valueName: "N", help: "Most NDJSON lines per ingest request (default 10000)."),
            .option(.timeout, valueName: "SECONDS", help: "Idle connection timeout (default 30)."),
            IngestArguments.clockSkewSpec,
            .option(.rateLimit, valueName: "RPS", help: "Requests per second per token (default 100; burst 2x)."),
            .option(
                .retentionInterval,
                valueName: "SECONDS",
                help:
                    "Seconds between the server's own retention sweeps (default 3600, the first within a minute; 0 turns them off)."
            ),
            .option(
                .backupDir,
                valueName: "DIR",
                help: "Where POST /v1/backups writes online backups, one new directory each (default: refused)."
            ),
        ] + ServeWitnesses.specs + [
            .option(
                .measureInProcess,
                valueName: "N",
                help:
                    "Benchmark peer: answer N event batches (--measure-body) and N checkpoint reads in-process, print JSON, exit."
            ),
            .option(.measureBody, valueName: "FILE", help: "The NDJSON event batch for --measure-in-process."),
            NodeOptions.regionsSpec(
                "Serve only these of the instance's regions, comma-separated (narrows, never widens)."
            ),
            NodeOptions.nodeSpec,
            .option(
                .publicURL,
                valueName: "URL",
                help: "This node's URL as others reach it, for GET /v1/regions (default: the bound address)."
            ),
            ServeLogOptions.formatSpec, ServeLogOptions.levelSpec,
            GlobalOptions.dataSpec, GlobalOptions.configSpec,
        ]

    let global: GlobalOptions
    let server: ServerConfiguration
    let measureCount: Int?
    let measureBody: String?
    let nodeOptions: NodeOptions
    let publicURL: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        nodeOptions = try NodeOptions(parsed: parsed, command: Self.self)
        publicURL = parsed.option(.publicURL)
        if let publicURL, (try? RegionNodes.checkURL(publicURL, region: "this")) == nil {
            throw UsageError(
                "--public-url must be an absolute http(s) URL such as https://eu.example:8443, got '\(publicURL)'",
                command: Self.self
            )
        }
        var server = ServerConfiguration(dataDirectory: global.dataDirectory)
        try ServeListenOptions.apply(parsed, to: &server, command: Self.self)
        server.threadPoolSize = try parsed.integer(.threads, in: 1...256) ?? server.threadPoolSize
        server.maximumBodyBytes = try parsed.integer(.maxBodyBytes, in: 1024...(1 << 30)) ?? server.maximumBodyBytes
        server.maximumLinesPerBatch = try parsed.integer(.maxLines, in: 1...1_000_000) ?? server.maximumLinesPerBatch
        server.connectionTimeoutSeconds = try parsed.integer(.timeout, in: 1...3600) ?? server.connectionTimeoutSeconds
        server.maximumClockSkewSeconds = try IngestArguments.clockSkew(parsed) ?? server.maximumClockSkewSeconds
        if let rate = try parsed.integer(.rateLimit, in: 1...1_000_000) {
            server.rateLimitPerSecond = Double(rate)
            server.rateLimitBurst = rate * 2
        }
        if let seconds = try parsed.integer(.retentionInterval, in: 0...(366 * 86_400)) {
            server.retentionIntervalSeconds = seconds == 0 ? nil : Double(seconds)
        }
        try ServeWitnesses.apply(parsed, to: &server)
        server.backupDirectory = parsed.option(.backupDir).map { URL(fileURLWithPath: $0).standardizedFileURL }
        server.configDirectory = global.configDirectory
        server.passphraseParameters = PassphraseCost.fromEnvironment()
        server.logger = try ServeLogOptions.logger(parsed)
        self.server = server
        measureCount = try parsed.integer(.measureInProcess, in: 1...10_000_000)
        measureBody = parsed.option(.measureBody)
        if measureCount != nil && measureBody == nil {
            throw UsageError("--measure-in-process needs --measure-body FILE", command: Self.self)
        }
    }

    func validate() throws {
        try ServeListenOptions.validate(server, command: Self.self)
    }

    func run() throws {
        var server = self.server
        server.policies = try PolicyBundle.load(global)
        server.nodes = try nodeTable(server.policies!)
        if let measureCount, let measureBody {
            try InProcessMeasurement.run(
                server,
                global: global,
                count: measureCount,
                body: URL(fileURLWithPath: measureBody)
            )
            return
        }
        try ServerRunner.run(server, global: global) { _, _ in }
    }
}

extension ServeCommand {
    /// The regions this server holds — cordon.json's, narrowed by --regions — and the nodes
    /// of the others (cordon.json's, then --node); `nil` before `cordon init`, which the
    /// vault's open then reports.
    func nodeTable(_ policies: PolicyConfiguration) throws -> RegionNodes? {
        guard InstanceConfiguration.exists(in: global.dataDirectory) else { return nil }
        try nodeOptions.check(against: policies, command: Self.self)
        let instance = try InstanceConfiguration.read(from: global.dataDirectory)
        var served = Set(instance.regions)
        if let narrowed = nodeOptions.regions {
            if let extra = narrowed.first(where: { !served.contains($0) }) {
                throw UsageError(
                    "--regions may narrow this instance's regions (\(instance.regions.joined(separator: ", "))), never widen them: \(global.dataDirectory.path) does not hold \(extra); create a node for it with `cordon init --regions \(extra)`",
                    command: Self.self
                )
            }
            served = Set(narrowed)
        }
        var nodes = (instance.nodes ?? [:]).filter { !served.contains($0.key) }
        nodes.merge(nodeOptions.nodes) { _, given in given }
        do {
            let table = try RegionNodes(
                configuration: policies,
                served: Set(served.map(RegionID.init(rawValue:))),
                nodes: Dictionary(uniqueKeysWithValues: nodes.map { (RegionID(rawValue: $0.key), $0.value) })
            )
            if let publicURL { table.listening(at: publicURL) }
            return table
        } catch let error as NodeConfigurationError {
            throw UsageError(error.description, command: Self.self)
        }
    }
}

/// Starts the API on libmicrohttpd, prints where it listens, and blocks until SIGINT or
/// SIGTERM, then shuts down cleanly (shared by `serve` and `demo`).
enum ServerRunner {
    /// Opens the vault (or starts sealed when the key is not available), serves, and
    /// returns after a clean shutdown. `started` runs once the socket is listening.
    static func run(
        _ configuration: ServerConfiguration,
        global: GlobalOptions,
        started: (CordonAPI, MicroHTTPDHost) throws -> Void
    ) throws {
        // Catch SIGINT/SIGTERM before anything announces the server: a signal that
        // arrives after "listening on" must never be lost or kill the process mid-request.
        let termination = TerminationSignal()
        let logger = configuration.logger
        let session = try openSession(configuration, global: global)
        let api = CordonAPI(configuration: configuration, session: session)
        let host: MicroHTTPDHost
        do {
            host = try MicroHTTPDHost(api: api)
        } catch {
            try? api.slot.close()
            throw CLIError("\(error)")
        }
        let scheme = configuration.usesTLS ? "https" : "http"
        let bound = host.address
        if let nodes = configuration.nodes, nodes.url == nil { nodes.listening(at: "\(scheme)://\(bound)") }
        Output.line("listening on \(scheme)://\(bound)")
        logger.notice(
            "serving \(configuration.dataDirectory.path) on \(scheme)://\(bound) (\(session == nil ? "sealed: POST /v1/unseal" : "unsealed")); Ctrl-C stops"
        )
        let retention = configuration.retentionIntervalSeconds.map { seconds in
            RetentionScheduler(slot: api.slot, intervalSeconds: seconds, logger: logger.labeled("cordon.retention"))
        }
        retention?.start()
        let witnessing = ServeWitnesses.scheduler(configuration, api: api, logger: logger)
        witnessing?.start()
        try started(api, host)
        termination.wait()
        logger.notice("stopping (finishing requests in flight)")
        host.stop(grace: configuration.shutdownGraceSeconds)
        retention?.stop()
        witnessing?.stop()
        do {
            try api.slot.close()
        } catch {
            throw CLIError("closing the audit trail: \(error)")
        }
        logger.notice("stopped cleanly")
    }

    /// The vault with the environment's key, or `nil` (sealed) when no key is available.
    private static func openSession(_ configuration: ServerConfiguration, global: GlobalOptions) throws -> VaultSession?
    {
        do {
            let vault = try VaultOpener.open(global)
            return try VaultSession(vault: vault, configDirectory: configuration.configDirectory)
        } catch let error as KeyError where error.code == .masterKeyUnavailable {
            configuration.logger.warning("no master key available (\(error.message)); starting sealed")
            return nil
        }
    }
}

/// SIGINT and SIGTERM, caught from creation on (ignored by default handling, delivered
/// to a dispatch source) until ``wait()`` returns.
final class TerminationSignal {
    private let semaphore = DispatchSemaphore(value: 0)
    private var sources: [any DispatchSourceSignal] = []

    init() {
        let queue = DispatchQueue(label: "cordon.signals")
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [semaphore] in semaphore.signal() }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until one of the signals arrives.
    func wait() {
        semaphore.wait()
        for source in sources { source.cancel() }
    }
}
