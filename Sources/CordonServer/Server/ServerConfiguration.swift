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
    /// libmicrohttpd worker threads (each runs handlers synchronously; audit group commit
    /// amortizes fsyncs across concurrent requests).
    public var threadPoolSize = 8
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
    /// Where `POST /v1/backups` writes backups (one new directory each); nil refuses them.
    public var backupDirectory: URL?
    /// Where `policies/` lives (policy documents are served verbatim).
    public var configDirectory: URL?
    /// The data directory (for unsealing).
    public var dataDirectory: URL
    /// The policies the vault is opened with when unsealing.
    public var policies: PolicyConfiguration?
    /// Argon2id cost of a passphrase-derived master key.
    public var passphraseParameters: PasswordKDF.Parameters = .moderate

    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }

    /// Whether TLS is configured.
    public var usesTLS: Bool { tlsCertificatePEM != nil && tlsKeyPEM != nil }
}
