public import CordonCore
public import CordonCrypto
public import Foundation

/// How the server runs: address, TLS, limits. Safe defaults; `cordon serve` sets them from
/// its flags.
public struct ServerConfiguration: Sendable {
    /// Where to listen; non-loopback addresses need TLS.
    public var bind = BindAddress.loopback(port: 8080)
    /// PEM certificate and key, both or neither.
    public var tlsCertificatePEM: [UInt8]?
    public var tlsKeyPEM: [UInt8]?
    /// The largest request body accepted (`413 body_too_large` beyond).
    public var maximumBodyBytes = 8 << 20
    /// The most NDJSON lines in one ingest request (`413 too_many_lines` beyond).
    public var maximumLinesPerBatch = 10_000
    /// Seconds an ingested event's `ts` or consent's `recordedAt` may lie ahead of the
    /// server's clock (later ones, and any before 1970, are refused as `invalid_field`).
    public var maximumClockSkewSeconds = PlausibleTimes.defaultMaximumSkew
    /// Seconds a connection may stay idle (slow clients are dropped).
    public var connectionTimeoutSeconds = 30
    /// libmicrohttpd worker threads; ``defaultThreadPoolSize(processorCount:)`` by default.
    public var threadPoolSize = ServerConfiguration.defaultThreadPoolSize(
        processorCount: ProcessInfo.processInfo.activeProcessorCount
    )
    /// How old a stored checkpoint `GET /v1/audit/checkpoint` may serve when entries were
    /// appended since (one second, the audit log's checkpoint period); an older one is
    /// replaced by signing anew. Zero signs whenever the tree grew (decision 0018).
    public var checkpointMaximumAge: Duration = .seconds(1)
    /// Simultaneous connections accepted.
    public var connectionLimit = 1024
    /// Requests per second per token, and the burst above that.
    public var rateLimitPerSecond = 100.0
    public var rateLimitBurst = 200
    /// Unseal attempts allowed per minute from each client address.
    public var unsealAttemptsPerMinute = 5
    /// Seconds to wait for in-flight requests on shutdown.
    public var shutdownGraceSeconds = 10.0
    /// Seconds between the server's own retention sweeps (`nil`: none; sweep with
    /// `cordon retention run` or `POST /v1/retention/run`).
    public var retentionIntervalSeconds: Double? = 3600
    /// The peers whose trails this server witnesses, and whose cosignatures of its own trail
    /// `POST /v1/audit/cosignatures` accepts (`cordon serve --witness NAME=URL=KEY`).
    public var witnesses: [WitnessPeer] = []
    /// Seconds between witnessing rounds (`nil`: none; `cordon audit witness` runs one).
    public var witnessIntervalSeconds: Double? = 300
    /// Where `POST /v1/backups` writes backups (one new directory each); nil refuses them.
    public var backupDirectory: URL?
    /// Where `policies/` lives (policy documents are served verbatim).
    public var configDirectory: URL?
    /// The data directory (for unsealing).
    public var dataDirectory: URL
    /// Where the server logs: one access line per request at `info` (label `cordon.access`),
    /// the host's and the retention sweeps' messages. By default warnings and errors as text
    /// on standard error; `cordon serve` logs from `info` on in the `--log-format` chosen.
    public var logger = Logger(label: "cordon.server", handler: TextLogHandler.standardError, logLevel: .warning)
    /// The policies the vault is opened with when unsealing.
    public var policies: PolicyConfiguration?
    /// The regions this server holds and the nodes of the others (decision 0024); `nil`
    /// serves every region of the vault and names no other node.
    public var nodes: RegionNodes?
    /// Set on a coordinator (decision 0027): relays queries to the region nodes and refuses
    /// ingest, subject and DSR routes with `421`; ``nodes`` is then its routing table.
    public var coordinator: Coordinator?
    /// Argon2id cost of a passphrase-derived master key.
    public var passphraseParameters: PasswordKDF.Parameters = .moderate

    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }

    /// The worker threads for a machine with `processorCount` cores: 16 per core, at least
    /// 64 and at most 256 (the most `cordon serve --threads` accepts).
    ///
    /// Each libmicrohttpd pool thread runs its connections' handlers one at a time, and a
    /// handler spends most of its time blocked on an fsync (its audit entry's group commit,
    /// a region's COMMIT), not on a core. So the pool is sized for requests waiting on the
    /// disk, not for cores: a request queued behind another on its thread cannot join the
    /// group commit in progress, and with fewer threads than busy connections the batch
    /// is capped by the thread count (8 threads served 32 connections at most 8 to an fsync).
    /// Connections are spread over the threads unevenly, hence twice the usual 32.
    public static func defaultThreadPoolSize(processorCount: Int) -> Int {
        min(256, max(64, 16 * max(1, processorCount)))
    }

    /// Whether TLS is configured.
    public var usesTLS: Bool { tlsCertificatePEM != nil && tlsKeyPEM != nil }
}
