import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
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
        let fd = open(path(of: name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw AuditError(.readFailed, "cannot open \(path(of: name)): \(errnoText(errno))", file: name)
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw AuditError(.readFailed, "cannot stat \(path(of: name)): \(errnoText(errno))", file: name)
        }
        // The file may grow while it is read (a live log): read what was there at fstat.
        let expected = Int(status.st_size)
        var code: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, count in
            while count < expected {
                let result = systemRead(fd, buffer.baseAddress! + count, expected - count)
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else {
                    code = result < 0 ? errno : 0
                    break
                }
                count += result
            }
        }
        guard code == 0 else {
            throw AuditError(.readFailed, "cannot read \(path(of: name)): \(errnoText(code))", file: name)
        }
        return bytes
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
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw AuditError(.writeFailed, "cannot open directory \(name): \(errnoText(errno))", file: name)
        }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw AuditError(.writeFailed, "cannot fsync directory \(name): \(errnoText(errno))", file: name)
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
        let fd = open(path(of: temporary), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw AuditError(.writeFailed, "cannot create \(temporary): \(errnoText(errno))", file: temporary)
        }
        var written = 0
        while written < bytes.count {
            let (count, code) = bytes.withUnsafeBytes {
                operations.write(fd, UnsafeRawBufferPointer(rebasing: $0[written...]))
            }
            if count < 0 && code == EINTR { continue }
            guard count > 0 else {
                close(fd)
                throw AuditError(
                    .writeFailed,
                    "cannot write \(temporary): \(errnoText(count < 0 ? code : EIO))",
                    file: temporary
                )
            }
            written += count
        }
        let code = operations.sync(fd)
        close(fd)
        guard code == 0 else {
            throw AuditError(.writeFailed, "cannot fsync \(temporary): \(errnoText(code))", file: temporary)
        }
        guard rename(path(of: temporary), path(of: name)) == 0 else {
            throw AuditError(.writeFailed, "cannot rename \(temporary) to \(name): \(errnoText(errno))", file: name)
        }
        try syncDirectory(path(of: folder))
    }

    /// Cuts `name` to `length` bytes and fsyncs it (recovering a torn tail).
    func truncate(_ name: String, to length: UInt64) throws(AuditError) {
        let fd = open(path(of: name), O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AuditError(.writeFailed, "cannot open \(name): \(errnoText(errno))", file: name) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(length)) == 0, fsync(fd) == 0 else {
            throw AuditError(.writeFailed, "cannot truncate \(name): \(errnoText(errno))", file: name)
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
        return removed + (unlink(path(of: Self.probeName)) == 0 ? [Self.probeName] : [])
    }
}

extension AuditDirectory {
    /// Bytes `range` of `name` (pread(2)).
    func read(_ name: String, range: Range<UInt64>) throws(AuditError) -> [UInt8] {
        let fd = open(path(of: name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AuditError(.readFailed, "cannot open \(name): \(errnoText(errno))", file: name) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(range.count))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(range.lowerBound) + off_t(done))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw AuditError(
                    .readFailed,
                    "cannot read \(name): \(count < 0 ? errnoText(errno) : "file is shorter than expected")",
                    file: name
                )
            }
            done += count
        }
        return bytes
    }
}

/// `read(2)` under another name, since ``AuditDirectory/read(_:)`` shadows it.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
