import CordonAudit
public import CordonCrypto
import CordonStore
public import Foundation

/// A Cordon data directory: creating it (`cordon init`) and opening its keys.
public enum DataDirectory {
    /// What `initialize` found and did, for the CLI.
    public struct InitReport: Sendable, Codable {
        public var dataDirectory: String
        public var alreadyInitialized: Bool
        public var masterKeySource: String
        public var masterKeyID: String
        /// The page AEAD stores created from now on are sealed with.
        public var pageCipher: String
        /// The regions the instance holds, and the nodes it knows for others (decision 0024).
        public var regions: [String] = []
        public var nodes: [String: String] = [:]
        /// Files this run created.
        public var created: [String]
        /// Files that were already there and were left untouched.
        public var existing: [String]
        public var warnings: [String]
    }

    /// Creates the data directory, the master key (unless the source provides one) and a
    /// keyring per region plus `control` and `audit`. Never destroys anything: on an existing
    /// directory it checks the master key and only adds what is missing (a newly enabled
    /// region, or the rest of an interrupted init).
    ///
    /// `nodes` records the node URL of each region another instance serves (decision 0024).
    /// `pageCipher`, when given, becomes the page AEAD of stores created from now on
    /// (existing stores keep theirs until `keys rotate --pages --cipher` moves them).
    public static func initialize(
        at dataDirectory: URL,
        regions: [String],
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters = .moderate,
        pageCipher: PageCipher? = nil,
        nodes: [String: String] = [:],
        context: AccessContext = .commandLine(role: .admin)
    ) throws -> InitReport {
        var report = InitReport(
            dataDirectory: dataDirectory.path,
            alreadyInitialized: InstanceConfiguration.exists(in: dataDirectory),
            masterKeySource: source.describe(),
            masterKeyID: "",
            pageCipher: "",
            created: [],
            existing: [],
            warnings: []
        )
        let keys: KeyHierarchy
        if report.alreadyInitialized {
            let configuration = try InstanceConfiguration.read(from: dataDirectory)
            try checkKind(configuration, source)
            keys = try KeyHierarchy.open(
                dataDirectory: dataDirectory,
                source: source,
                expectedMasterKeyID: configuration.masterKey.id,
                passphraseParameters: passphraseParameters
            ).0
            report.existing.append(InstanceConfiguration.fileName)
        } else {
            keys = try createMasterKey(
                at: dataDirectory,
                source: source,
                passphraseParameters: passphraseParameters,
                report: &report
            )
        }
        try DurableFile.makeDirectory(dataDirectory.appendingPathComponent("regions"))
        try createKeyrings(keys, regions: regions, at: dataDirectory, report: &report)
        if report.alreadyInitialized {
            try InstanceConfiguration.update(in: dataDirectory) {
                $0.regions = Array(Set($0.regions).union(regions)).sorted()
                if let pageCipher { $0.pageCipher = pageCipher.rawValue }
                if !nodes.isEmpty { $0.nodes = ($0.nodes ?? [:]).merging(nodes) { _, new in new } }
            }
        } else {
            report.created += try createControlAndTrail(
                at: dataDirectory,
                keys: keys,
                algorithm: pageCipher?.algorithm ?? .xChaCha20Poly1305,
                created: report.created,
                context: context
            )
            let configuration = InstanceConfiguration(
                format: InstanceConfiguration.currentFormat,
                createdAt: Timestamp.now(),
                masterKey: .init(kind: source.kind, id: keys.masterKeyID),
                regions: regions.sorted(),
                pageCipher: pageCipher?.rawValue,
                nodes: nodes.isEmpty ? nil : nodes
            )
            try configuration.write(to: dataDirectory)
            report.created.append(InstanceConfiguration.fileName)
        }
        report.masterKeyID = keys.masterKeyID
        let written = try InstanceConfiguration.read(from: dataDirectory)
        report.pageCipher = try written.pageAlgorithm().rawValue
        report.regions = written.regions
        report.nodes = written.nodes ?? [:]
        report.warnings = keys.warnings
        return report
    }

    /// A new master key (or the one an interrupted init or an external file left), as the
    /// root of a new key hierarchy.
    private static func createMasterKey(
        at dataDirectory: URL,
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters,
        report: inout InitReport
    ) throws -> KeyHierarchy {
        try DurableFile.makeDirectory(dataDirectory)
        var material = MasterKeyMaterial(source: source, dataDirectory: dataDirectory)
        material.passphraseParameters = passphraseParameters
        let masterURL = source.currentURL(dataDirectory: dataDirectory)
        let master: MasterKey
        if material.exists {
            // An external key file, or the key of an init that stopped midway: reuse it,
            // because keyrings may already be wrapped under it.
            master = try material.loadCurrent()
            report.existing.append(relative(masterURL, to: dataDirectory))
        } else if case .keyFile(let url) = source, url != dataDirectory.appendingPathComponent("master.key") {
            throw KeyError(
                .masterKeyUnavailable,
                "CORDON_MASTER_KEY_FILE names \(url.path), which does not exist; create it (32 random bytes, mode 0600) or unset the variable"
            )
        } else {
            master = try material.createCurrent()
            report.created.append(relative(masterURL, to: dataDirectory))
        }
        return KeyHierarchy(dataDirectory: dataDirectory, masterKey: master, warnings: material.warnings())
    }

    /// Creates each missing keyring; an existing one must open under this master key.
    private static func createKeyrings(
        _ keys: KeyHierarchy,
        regions: [String],
        at dataDirectory: URL,
        report: inout InitReport
    ) throws {
        for id in [KeyringID.control, .audit] + regions.sorted().map(KeyringID.region) {
            let name = relative(id.url(in: dataDirectory), to: dataDirectory)
            if try keys.createKeyringIfMissing(id) {
                report.created.append(name)
            } else {
                _ = try keys.keyring(id)  // proves the existing file opens under this master key
                report.existing.append(name)
            }
        }
    }

    /// Creates `control.db` and the audit trail with its first entry (`instance.init`),
    /// the only place either is ever created: an initialized directory missing one had it
    /// deleted, and the vault refuses to open rather than start afresh. An init that
    /// stopped midway (before `cordon.json`) finds them and keeps them.
    private static func createControlAndTrail(
        at dataDirectory: URL,
        keys: KeyHierarchy,
        algorithm: PageEncryption.Algorithm,
        created: [String],
        context: AccessContext
    ) throws -> [String] {
        var made: [String] = []
        if !FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent(ControlStore.fileName).path) {
            made.append(ControlStore.fileName)
        }
        let control = try ControlStore.open(
            dataDirectory: dataDirectory,
            configuration: try Vault.controlConfiguration(keys: keys, algorithm: algorithm),
            create: true
        )
        let witness = AuditWitness()
        witness.attach(control)
        var configuration = AuditConfiguration()
        configuration.startsCheckpointTimer = false
        configuration.onCheckpoint = { checkpoint in witness.checkpointSigned(checkpoint) }
        let trail = try Vault.openAuditTrail(
            dataDirectory: dataDirectory,
            keys: keys,
            configuration: configuration,
            create: true
        )
        if trail.log.treeSize == 0 {
            made.append("audit/")
            do {
                _ = try trail.log.append(
                    AuditEvent(
                        actor: context.actor,
                        role: context.role,
                        action: AuditAction.instanceInit.rawValue,
                        outcome: .ok,
                        requestId: context.requestID,
                        details: [
                            "created": .string((created + made).joined(separator: ",")),
                            "masterKeyId": .string(keys.masterKeyID),
                        ]
                    )
                )
            } catch {
                throw VaultError(
                    .auditUnavailable,
                    "cannot write the first audit entry: \(error.message)",
                    underlying: error
                )
            }
        }
        do { try trail.log.close() } catch {
            throw VaultError(
                .auditUnavailable,
                "cannot sign the first audit checkpoint: \(error.message)",
                underlying: error
            )
        }
        witness.drain()
        return made
    }

    /// Opens the key hierarchy of an initialized data directory. A wrong master key fails
    /// with one sentence and changes nothing on disk.
    public static func openKeys(
        at dataDirectory: URL,
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters = .moderate
    ) throws -> KeyHierarchy {
        let configuration = try InstanceConfiguration.read(from: dataDirectory)
        try checkKind(configuration, source)
        return try KeyHierarchy.open(
            dataDirectory: dataDirectory,
            source: source,
            expectedMasterKeyID: configuration.masterKey.id,
            passphraseParameters: passphraseParameters
        ).0
    }

    private static func checkKind(_ configuration: InstanceConfiguration, _ source: MasterKeySource) throws {
        guard configuration.masterKey.kind == source.kind else {
            let hint =
                configuration.masterKey.kind == "passphrase"
                ? "set CORDON_PASSPHRASE"
                : "unset CORDON_PASSPHRASE (and set CORDON_MASTER_KEY_FILE if the key lives elsewhere)"
            throw KeyError(
                .masterKeyUnavailable,
                "\(configuration.masterKey.kind == "passphrase" ? "this data directory was initialized with a passphrase" : "this data directory uses a master key file"); \(hint)"
            )
        }
    }

    private static func relative(_ url: URL, to base: URL) -> String {
        let basePath = base.standardizedFileURL.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(basePath) ? String(path.dropFirst(basePath.count)) : path
    }
}
