import CordonSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The layout of an audit directory and the few durable file operations on it:
///
/// ```
/// <dir>/segments/0000000000.ndjson   entries, one canonical JSON line each, named by first sequence
/// <dir>/checkpoints/0000001000       every checkpoint, named by tree size
/// <dir>/checkpoints/latest           a copy of the newest checkpoint
/// ```
struct AuditDirectory: Sendable {
    static let segmentsFolder = "segments"
    static let checkpointsFolder = "checkpoints"
    static let segmentExtension = ".ndjson"
    static let latestName = "latest"
    static let temporaryPrefix = ".tmp-"

    /// The audit directory's path.
    let path: String

    init(_ url: URL) {
        path = url.standardizedFileURL.path
    }

    /// `segments/<first sequence, at least 10 digits>.ndjson`.
    static func segmentName(firstSequence: UInt64) -> String {
        "\(segmentsFolder)/\(padded(firstSequence))\(segmentExtension)"
    }

    /// `checkpoints/<tree size, at least 10 digits>`.
    static func checkpointName(treeSize: UInt64) -> String {
        "\(checkpointsFolder)/\(padded(treeSize))"
    }

    static func padded(_ number: UInt64) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    /// The full path of a name relative to the directory.
    func path(of name: String) -> String { "\(path)/\(name)" }

    /// Segments as (first sequence, name), in sequence order; other files are ignored.
    func segments() throws(AuditError) -> [(firstSequence: UInt64, name: String)] {
        try numberedFiles(in: Self.segmentsFolder, suffix: Self.segmentExtension)
    }

    /// Checkpoint files as (tree size, name), in size order; `latest` and temporaries excluded.
    func checkpoints() throws(AuditError) -> [(treeSize: UInt64, name: String)] {
        try numberedFiles(in: Self.checkpointsFolder, suffix: "").map { ($0.0, $0.1) }
    }

    private func numberedFiles(in folder: String, suffix: String) throws(AuditError) -> [(UInt64, String)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path(of: folder))
        } catch {
            throw AuditError(
                .notFound,
                "cannot list the audit folder \(folder): \(error.localizedDescription)",
                file: folder
            )
        }
        return names.compactMap { name -> (UInt64, String)? in
            guard name.hasSuffix(suffix) else { return nil }
            let stem = name.dropLast(suffix.count)
            guard !stem.isEmpty, stem.allSatisfy({ $0.isASCII && $0.isNumber }), let number = UInt64(stem) else {
                return nil
            }
            return (number, "\(folder)/\(name)")
        }.sorted { $0.0 < $1.0 }
    }

    /// The bytes of `name`, or `nil` when it does not exist: one `read(2)` loop into an
    /// uninitialized array (a segment is tens of megabytes; no `Data` copy on the way).
    func read(_ name: String) throws(AuditError) -> [UInt8]? {
        let full = path(of: name)
        do throws(SystemError) {
            let fd = try SystemCall.open(full, O_RDONLY | O_CLOEXEC)
            defer { SystemCall.close(fd) }
            // The file may grow while it is read (a live log): read what was there at fstat.
            let expected = Int(try SystemCall.fstat(fd, path: full).st_size)
            var failure: SystemError?
            let bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, count in
                do throws(SystemError) {
                    count = try SystemCall.readFully(fd, into: UnsafeMutableRawBufferPointer(buffer), path: full)
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            return bytes
        } catch  where error.errno == ENOENT && error.call == "open" {
            return nil
        } catch {
            throw AuditError(.readFailed, error, full, file: name)
        }
    }

    /// Creates the directory and its two folders when missing, durably.
    func create() throws(AuditError) {
        for folder in ["", Self.segmentsFolder, Self.checkpointsFolder] {
            let full = folder.isEmpty ? path : path(of: folder)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw AuditError(.writeFailed, "\(full) exists and is not a directory", file: folder)
                }
                continue
            }
            do {
                try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
            } catch {
                throw AuditError(.writeFailed, "cannot create \(full): \(error.localizedDescription)", file: folder)
            }
            try syncDirectory(folder.isEmpty ? (path as NSString).deletingLastPathComponent : path)
        }
    }

    /// fsync(2) on a directory, so a created or renamed entry in it survives a crash.
    ///
    /// Its errors name a folder of the log relative to the log (`segments`), like every
    /// error of the write path: they reach readiness probes, which must not show paths.
    func syncDirectory(_ directory: String) throws(AuditError) {
        let name =
            directory == path
            ? "the audit directory"
            : directory.hasPrefix(path + "/") ? String(directory.dropFirst(path.count + 1)) : directory
        do {
            try SystemCall.syncDirectory(directory)
        } catch {
            throw AuditError(.writeFailed, error, "directory \(name)", file: name)
        }
    }

    /// Writes `bytes` to `name` atomically and durably: temporary file, fsync, rename, fsync directory.
    func writeAtomically(
        _ bytes: [UInt8],
        to name: String,
        using operations: any AuditFileOperations
    ) throws(AuditError) {
        let folder = (name as NSString).deletingLastPathComponent
        let temporary = "\(folder)/\(Self.temporaryPrefix)\((name as NSString).lastPathComponent)"
        do {
            try writeDurably(bytes, to: temporary, flags: O_TRUNC, permissions: 0o640, using: operations)
        } catch {
            throw AuditError(
                .writeFailed,
                error.call == "open" ? error.renamed("create") : error,
                temporary,
                file: temporary
            )
        }
        do {
            try SystemCall.rename(path(of: temporary), to: path(of: name))
        } catch {
            throw AuditError(.writeFailed, error, "\(temporary) to \(name)", file: name)
        }
        try syncDirectory(path(of: folder))
    }

    /// Creates `name` (with `flags` added to `O_WRONLY | O_CREAT`), writes all of `bytes`
    /// and syncs them: the one durable write of the log's own files.
    func writeDurably(
        _ bytes: [UInt8],
        to name: String,
        flags: Int32,
        permissions: mode_t,
        using operations: any AuditFileOperations
    ) throws(SystemError) {
        let fd = try SystemCall.open(path(of: name), O_WRONLY | O_CREAT | O_CLOEXEC | flags, permissions: permissions)
        defer { SystemCall.close(fd) }
        try DurableWrite.writeAllThenSync(bytes, to: fd, path: name, using: operations)
    }

    /// Cuts `name` to `length` bytes and fsyncs it (recovering a torn tail).
    func truncate(_ name: String, to length: UInt64) throws(AuditError) {
        do {
            let fd = try SystemCall.open(path(of: name), O_WRONLY | O_CLOEXEC)
            defer { SystemCall.close(fd) }
            try SystemCall.ftruncate(fd, to: length, path: name)
            try SystemCall.fsync(fd, path: name)
        } catch {
            throw AuditError(.writeFailed, error.call == "open" ? error : error.renamed("truncate"), name, file: name)
        }
    }

    /// Removes temporaries a crash left in `checkpoints/` (and a recovery's write probe);
    /// returns their names.
    func removeTemporaries() -> [String] {
        let folder = path(of: Self.checkpointsFolder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let removed = names.filter { $0.hasPrefix(Self.temporaryPrefix) }.compactMap { name in
            (try? FileManager.default.removeItem(atPath: "\(folder)/\(name)")) == nil
                ? nil : "\(Self.checkpointsFolder)/\(name)"
        }
        // A recovery's write probe, left by a crash while it was written.
        return removed + ((try? SystemCall.unlink(path(of: Self.probeName))) != nil ? [Self.probeName] : [])
    }
}

extension AuditDirectory {
    /// Bytes `range` of `name` (pread(2)).
    func read(_ name: String, range: Range<UInt64>) throws(AuditError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(range.count))
        do {
            let fd = try SystemCall.open(path(of: name), O_RDONLY | O_CLOEXEC)
            defer { SystemCall.close(fd) }
            if try SystemCall.readFully(fd, into: &bytes, at: Int64(range.lowerBound)) == bytes.count { return bytes }
        } catch {
            throw AuditError(.readFailed, error, name, file: name)
        }
        throw AuditError(.readFailed, "cannot read \(name): file is shorter than expected", file: name)
    }
}
