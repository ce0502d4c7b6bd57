import CordonCore
import CordonServer
import Foundation

/// `cordon coordinator`: relays analysts' queries to the region nodes and merges their
/// releases; holds no personal data and no region key (decision 0027).
struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Serve a coordinator: relay queries to the region nodes, merge their releases; hold no person.",
        discussion: """
            A coordinator (decision 0027) holds no personal data and no region key: its data directory \
            is made with `cordon init --regions none` (only control.db, for the analysts' tokens, and \
            its own audit trail). Every region of the configuration needs its node (--node, or \
            cordon.json's nodes) and a coordinator token that node issued (`cordon token create --role \
            coordinator` there), given with --node-token REGION=TOKEN or CORDON_NODE_TOKEN_<REGION> \
            (e.g. CORDON_NODE_TOKEN_EU); regions served by one node share its token.

            POST /v1/query validates the query with the nodes' catalog, sends it with the analyst's \
            name to every node holding a region it may touch (in parallel, each within --node-timeout), \
            and merges the nodes' releases into the answer one node gives; a node that does not answer \
            in time or fails is listed by its regions in regionsUnavailable. Each node spends its own \
            regions' budget and keeps its release, so a re-run is free. GET /v1/regions lists every \
            region's node, GET /readyz which nodes answer; ingest, subject and DSR routes answer 421 \
            with the nodes' URLs. With --witness NAME=URL=KEY per node it witnesses their trails as a \
            node does, and /readyz and /metrics report a node whose trail is cut or forked. Plain HTTP on loopback only; any other address needs --tls-cert and \
            --tls-key (nodes are reached over TLS when their URLs say https, verified with the system's \
            CA bundle).

            Example: cordon coordinator --data ./coord --node eu=http://127.0.0.1:8081 --node us=http://127.0.0.1:8082
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(
                .bind,
                valueName: "ADDR:PORT",
                help:
                    "Address to listen on (default 127.0.0.1:8080); other than loopback needs --tls-cert and --tls-key."
            )
        ] + ServeListenOptions.tlsSpecs + [
            NodeOptions.nodeSpec,
            .repeatingOption(
                .nodeToken,
                valueName: "REGION=TOKEN",
                help:
                    "The coordinator token the node of REGION issued (repeatable; default $CORDON_NODE_TOKEN_<REGION>)."
            ),
            .option(
                .nodeTimeout,
                valueName: "SECONDS",
                help: "Seconds a node may take to answer before its regions are unavailable (default 10)."
            ),
        ] + ServeWitnesses.specs + [
            ServeLogOptions.formatSpec, ServeLogOptions.levelSpec,
            GlobalOptions.dataSpec, GlobalOptions.configSpec,
        ]

    let global: GlobalOptions
    let server: ServerConfiguration
    let nodeOptions: NodeOptions
    let tokens: [String: String]
    let timeoutSeconds: Double

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        nodeOptions = try NodeOptions(parsed: parsed, command: Self.self, declaresRegions: false)
        var server = ServerConfiguration(dataDirectory: global.dataDirectory)
        try ServeListenOptions.apply(parsed, to: &server, command: Self.self)
        server.retentionIntervalSeconds = nil  // no personal data: nothing to sweep
        try ServeWitnesses.apply(parsed, to: &server)
        server.configDirectory = global.configDirectory
        server.passphraseParameters = PassphraseCost.fromEnvironment()
        server.logger = try ServeLogOptions.logger(parsed)
        self.server = server
        var tokens: [String: String] = [:]
        for (name, value) in ProcessInfo.processInfo.environment where name.hasPrefix("CORDON_NODE_TOKEN_") {
            tokens[name.dropFirst("CORDON_NODE_TOKEN_".count).lowercased()] = value
        }
        for text in parsed.values(.nodeToken) {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw UsageError("--node-token takes REGION=TOKEN (the token is not shown here)", command: Self.self)
            }
            tokens[parts[0].lowercased()] = parts[1]
        }
        self.tokens = tokens
        let timeout = parsed.option(.nodeTimeout).map { Double($0) } ?? 10
        guard let timeout, timeout.isFinite, timeout > 0, timeout <= 600 else {
            throw UsageError("--node-timeout must be a number of seconds above 0 and at most 600", command: Self.self)
        }
        timeoutSeconds = timeout
    }

    func validate() throws {
        try ServeListenOptions.validate(server, command: Self.self)
    }

    func run() throws {
        var server = self.server
        let policies = try PolicyBundle.load(global)
        server.policies = policies
        let coordinator = try coordinator(policies)
        server.coordinator = coordinator
        server.nodes = coordinator.nodes
        try ServerRunner.run(server, global: global) { _, _ in
            for node in coordinator.nodeRegions {
                Output.line("  node \(node.url): \(node.regions.map(\.rawValue).joined(separator: ", "))")
            }
        }
    }

    /// The coordinator of this data directory: it must hold no region; its nodes are
    /// cordon.json's, then --node.
    private func coordinator(_ policies: PolicyConfiguration) throws -> Coordinator {
        try nodeOptions.check(against: policies, command: Self.self)
        guard InstanceConfiguration.exists(in: global.dataDirectory) else {
            throw CLIError(
                "\(global.dataDirectory.path) is not initialized: create the coordinator's directory with `cordon init --data \(global.dataDirectory.path) --regions none`"
            )
        }
        let instance = try InstanceConfiguration.read(from: global.dataDirectory)
        guard instance.regions.isEmpty else {
            throw CLIError(
                "\(global.dataDirectory.path) holds region(s) \(instance.regions.joined(separator: ", ")): a coordinator holds none; give it a directory of its own (`cordon init --regions none`)"
            )
        }
        let nodes = (instance.nodes ?? [:]).merging(nodeOptions.nodes) { _, given in given }
        do {
            return try Coordinator(
                configuration: policies,
                nodes: Dictionary(uniqueKeysWithValues: nodes.map { (RegionID(rawValue: $0.key), $0.value) }),
                tokens: Dictionary(uniqueKeysWithValues: tokens.map { (RegionID(rawValue: $0.key), $0.value) }),
                timeoutSeconds: timeoutSeconds
            )
        } catch let error as NodeConfigurationError {
            throw UsageError(error.description, command: Self.self)
        }
    }
}
