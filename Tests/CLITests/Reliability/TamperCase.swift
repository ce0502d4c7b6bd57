import Foundation

/// One file kind of a data directory the tamper matrix manipulates.
enum TamperedFile: String, CaseIterable, Sendable, CustomStringConvertible {
    case regionStore = "region store (regions/eu.db)"
    case regionWAL = "region store WAL (regions/eu.db-wal)"
    case controlStore = "control.db"
    case controlWAL = "control.db WAL"
    case regionKeyring = "region keyring (regions/eu.keys)"
    case controlKeyring = "control keyring (control.keys)"
    case auditKeyring = "audit keyring (audit.keys)"
    case masterKey = "master.key"
    case masterKDF = "master.kdf (passphrase salt)"
    case instanceConfiguration = "cordon.json"
    case auditSegment = "audit segment"
    case numberedCheckpoint = "numbered checkpoint"
    case latestCheckpoint = "latest checkpoint"
    case auditDirectory = "the whole audit directory"
    case dataDirectory = "the whole data directory"

    var description: String { rawValue }

    /// The file, relative to the data directory.
    var path: String {
        switch self {
        case .regionStore: "regions/eu.db"
        case .regionWAL: "regions/eu.db-wal"
        case .controlStore: "control.db"
        case .controlWAL: "control.db-wal"
        case .regionKeyring: "regions/eu.keys"
        case .controlKeyring: "control.keys"
        case .auditKeyring: "audit.keys"
        case .masterKey: "master.key"
        case .masterKDF: "master.kdf"
        case .instanceConfiguration: "cordon.json"
        case .auditSegment: "audit/segments/0000000000.ndjson"
        case .numberedCheckpoint: "audit/checkpoints/0000000004"
        case .latestCheckpoint: "audit/checkpoints/latest"
        case .auditDirectory: "audit"
        case .dataDirectory: "."
        }
    }

    /// Its companion files (a store's WAL), rolled back with it.
    var companions: [String] {
        switch self {
        case .regionStore: ["regions/eu.db-wal"]
        case .controlStore: ["control.db-wal"]
        default: []
        }
    }
}

/// What is done to the file.
enum Manipulation: String, CaseIterable, Sendable, CustomStringConvertible {
    case flip = "flip a byte"
    case truncate = "truncate"
    case delete = "delete"
    case swap = "swap with another of its kind"
    case replay = "replay an old copy"
    case rollBack = "roll back with its WAL"
    /// A store's WAL cut after its last commit but one: the store one write behind the trail.
    case dropLastWrite = "roll back by exactly its last write"

    var description: String { rawValue }
}

/// The commands that can notice, in the order an operator meets them.
enum Detector: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Any command that opens the vault and touches every region (`cordon subject lookup`).
    case anyCommand = "any command"
    case storeVerify = "cordon store verify"
    case auditVerify = "cordon audit verify"
    case verifyPy = "audit/verify.py"
    case savedCheckpoint = "audit verify --checkpoint"

    var description: String { rawValue }
}
