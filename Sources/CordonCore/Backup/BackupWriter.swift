import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

/// Writes the files of one backup and remembers each one's SHA-256 for the manifest.
final class BackupWriter {
    let source: URL
    let destination: URL
    private(set) var files: [BackupManifest.File] = []

    init(source: URL, destination: URL) {
        self.source = source
        self.destination = destination
    }

    /// Copies a store with SQLite's online backup API, sealed under `encryption`.
    func copyStore(
        _ name: String,
        from database: any DatabaseWriter,
        encryption: PageEncryption?,
        logger: Logger
    ) throws {
        let url = destination.appendingPathComponent(name)
        var reported = -1
        do {
            try database.read { connection in
                try connection.backup(into: url.path, encryption: encryption) { step in
                    // One line per tenth of the store at most: enough to see a long copy move.
                    let tenth = step.totalPages == 0 ? 10 : step.copiedPages * 10 / step.totalPages
                    guard tenth != reported else { return }
                    reported = tenth
                    logger.info("\(name): \(step.copiedPages) of \(step.totalPages) pages")
                }
            }
        } catch {
            throw BackupError(
                name,
                "cannot copy \(name) into the backup: \(error)",
                code: .writeFailed,
                underlying: error
            )
        }
        try add(name)
    }

    /// Copies a file as it is on disk (keyrings, `cordon.json`).
    func copyFile(_ name: String) throws {
        do {
            try DurableFile.makeDirectory(destination.appendingPathComponent(name).deletingLastPathComponent())
            try DurableFile.copy(source.appendingPathComponent(name), to: destination.appendingPathComponent(name))
        } catch {
            throw BackupError(
                name,
                "cannot copy \(name) into the backup: \(error)",
                code: .writeFailed,
                underlying: error
            )
        }
        try add(name)
    }

    /// Copies the audit trail's first `checkpoint.treeSize` entries (whole lines only;
    /// entries appended meanwhile stay behind) and every checkpoint up to that size, with
    /// `latest` being `checkpoint`.
    func copyAuditTrail(upTo checkpoint: Checkpoint) throws {
        let size = checkpoint.treeSize
        for folder in ["audit/segments", "audit/checkpoints"] {
            try DurableFile.makeDirectory(destination.appendingPathComponent(folder))
        }
        let segments = Self.numbered(in: source.appendingPathComponent("audit/segments"), suffix: ".ndjson")
        for (first, name) in segments where first < size {
            let path = "audit/segments/\(name)"
            var bytes = try DurableFile.read(source.appendingPathComponent(path))
            var lines: UInt64 = 0
            var end = 0
            while end < bytes.count, first + lines < size {
                if bytes[end] == 0x0A { lines += 1 }
                end += 1
            }
            bytes.removeSubrange(end...)
            try DurableFile.create(bytes, at: destination.appendingPathComponent(path))
            try add(path)
        }
        let checkpoints = Self.numbered(in: source.appendingPathComponent("audit/checkpoints"), suffix: "")
        for (treeSize, name) in checkpoints where treeSize <= size {
            try copyFile("audit/checkpoints/\(name)")
        }
        let latest = "audit/checkpoints/latest"
        try DurableFile.create(Array(checkpoint.text.utf8), at: destination.appendingPathComponent(latest))
        try add(latest)
    }

    /// Files named by a decimal number (and `suffix`) in `folder`, by number.
    static func numbered(in folder: URL, suffix: String) -> [(UInt64, String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap { name -> (UInt64, String)? in
            guard name.hasSuffix(suffix), let number = UInt64(name.dropLast(suffix.count)) else { return nil }
            return (number, name)
        }
        .sorted { $0.0 < $1.0 }
    }

    private func add(_ name: String) throws {
        let (digest, count) = try Self.digest(of: destination.appendingPathComponent(name), name: name)
        files.append(.init(path: name, sha256: digest, byteCount: count))
    }

    /// The SHA-256 (hex) and size of a file, read in 1 MiB pieces.
    static func digest(of url: URL, name: String) throws -> (String, Int) {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw BackupError(name, "the backup file \(name) is missing or unreadable")
        }
        defer { try? handle.close() }
        var hash = SHA256()
        var count = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            count += chunk.count
            hash.update(Array(chunk))
        }
        return (Hex.encode(hash.finalize()), count)
    }
}
