import Foundation

/// What a backup holds (`manifest.json`, signed in `manifest.sig`): every file with its
/// SHA-256 and size, the audit checkpoint the copied trail ends at, and where the live
/// trail's replay starts on restore (decision 0020).
public struct BackupManifest: Codable, Sendable, Equatable {
    /// One file of the backup, by its path relative to the backup directory.
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var byteCount: Int
    }

    public static let fileName = "manifest.json"
    public static let signatureFileName = "manifest.sig"
    static let currentFormat = 1

    public var format: Int
    public var backupID: String
    public var createdAt: String
    /// The audit trail's origin and checkpoint verifier key (`cordon audit pubkey`); the
    /// manifest is signed with the same key.
    public var auditOrigin: String
    public var verifierKey: String
    /// The master key the keyrings are wrapped under.
    public var masterKeyID: String
    public var regions: [String]
    /// The signed checkpoint the copied trail ends at (note text).
    public var checkpoint: String
    /// The trail's size when the copy started: restore replays the live trail from here,
    /// so nothing that happened while the stores were copied is missed.
    public var replayFrom: UInt64
    public var files: [File]

    /// The canonical bytes that are signed: sorted keys, pretty-printed, one final newline.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }
}
