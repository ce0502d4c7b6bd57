import CordonTestSupport
import Foundation

/// Applies one manipulation to one file kind of a copy of ``TamperTemplate``, and runs the
/// commands that may detect it, each on its own copy of the result.
struct TamperMatrix {
    let template: TamperTemplate

    /// The data directory this file kind is tampered in (the passphrase instance for `master.kdf`).
    func original(for file: TamperedFile) -> URL {
        file == .masterKDF ? template.passphrase : template.current
    }

    func environment(for file: TamperedFile) -> [String: String] {
        file == .masterKDF ? ["CORDON_PASSPHRASE": TamperTemplate.passphraseText] : [:]
    }

    /// A tampered copy, or nil when the manipulation does not apply to this kind (the
    /// reason is in `notApplicable`).
    func tamper(_ file: TamperedFile, _ manipulation: Manipulation, into scratch: URL) throws -> URL? {
        let data = scratch.appendingPathComponent("data")
        try FileManager.default.copyItem(at: original(for: file), to: data)
        let fm = FileManager.default
        var path = file.path
        let checkpoints = try fm.contentsOfDirectory(atPath: data.appendingPathComponent("audit/checkpoints").path)
            .filter { $0 != "latest" && !$0.hasPrefix(".") }.sorted()
        switch file {
        case .auditSegment:
            // The newest segment of the old copy: the one that grew since.
            let old = try fm.contentsOfDirectory(atPath: template.old.appendingPathComponent("audit/segments").path)
            path = "audit/segments/" + old.sorted().last!
        case .numberedCheckpoint:
            path = "audit/checkpoints/" + (checkpoints.first ?? "none")
        default: break
        }
        let target = data.appendingPathComponent(path)
        let isDirectory = file == .auditDirectory || file == .dataDirectory
        guard isDirectory || fm.fileExists(atPath: target.path) else { return nil }

        switch manipulation {
        case .flip:
            guard !isDirectory else { return nil }
            var bytes = try Data(contentsOf: target)
            guard !bytes.isEmpty else { return nil }
            let offset = Self.flipOffset(file, count: bytes.count)
            bytes[offset] ^= 0x5A
            try bytes.write(to: target)
        case .truncate:
            guard !isDirectory else { return nil }
            let size = try Data(contentsOf: target).count
            guard truncate(target.path, off_t(size / 2)) == 0 else { throw POSIXError(.EIO) }
        case .delete:
            guard file != .dataDirectory else { return nil }
            try fm.removeItem(at: target)
            for companion in file.companions { try? fm.removeItem(at: data.appendingPathComponent(companion)) }
        case .swap:
            let partner: URL
            switch file {
            case .regionStore: partner = data.appendingPathComponent("regions/uk.db")
            case .regionWAL: partner = data.appendingPathComponent("regions/uk.db-wal")
            case .regionKeyring: partner = data.appendingPathComponent("regions/uk.keys")
            case .controlKeyring: partner = data.appendingPathComponent("audit.keys")
            case .auditSegment: partner = data.appendingPathComponent("audit/segments/0000000000.ndjson")
            case .numberedCheckpoint: partner = data.appendingPathComponent("audit/checkpoints/" + checkpoints[1])
            case .latestCheckpoint: partner = data.appendingPathComponent("audit/checkpoints/" + checkpoints[0])
            case .controlStore, .auditKeyring, .masterKey, .instanceConfiguration, .auditDirectory:
                // The same file of another instance.
                try fm.removeItem(at: target)
                for companion in file.companions { try? fm.removeItem(at: data.appendingPathComponent(companion)) }
                try fm.copyItem(at: template.foreign.appendingPathComponent(path), to: target)
                return data
            default: return nil
            }
            guard fm.fileExists(atPath: partner.path), partner.path != target.path else { return nil }
            let aside = scratch.appendingPathComponent("swap")
            try fm.moveItem(at: target, to: aside)
            try fm.moveItem(at: partner, to: target)
            try fm.moveItem(at: aside, to: partner)
            if file == .regionStore {
                // The stores move with their WALs.
                let wal = data.appendingPathComponent("regions/eu.db-wal")
                let partnerWAL = data.appendingPathComponent("regions/uk.db-wal")
                try? fm.moveItem(at: wal, to: aside)
                try? fm.moveItem(at: partnerWAL, to: wal)
                try? fm.moveItem(at: aside, to: partnerWAL)
            }
        case .dropLastWrite:
            guard file == .regionStore || file == .controlStore else { return nil }
            let wal = data.appendingPathComponent(file.path + "-wal")
            guard fm.fileExists(atPath: wal.path) else { return nil }
            let bytes = [UInt8](try Data(contentsOf: wal))
            guard let end = Self.endOfCommitBeforeLast(bytes) else { return nil }
            guard truncate(wal.path, off_t(end)) == 0 else { throw POSIXError(.EIO) }
        case .replay, .rollBack:
            let old = template.old.appendingPathComponent(path)
            if manipulation == .rollBack && file.companions.isEmpty && !isDirectory { return nil }
            if manipulation == .replay && isDirectory { return nil }
            guard fm.fileExists(atPath: old.path) else { return nil }
            if !isDirectory, try Data(contentsOf: old) == Data(contentsOf: target) { return nil }
            if file == .dataDirectory {
                try fm.removeItem(at: data)
                try fm.copyItem(at: old, to: data)
                return data
            }
            try fm.removeItem(at: target)
            try fm.copyItem(at: old, to: target)
            if manipulation == .rollBack {
                for companion in file.companions {
                    try? fm.removeItem(at: data.appendingPathComponent(companion))
                    let oldCompanion = template.old.appendingPathComponent(companion)
                    if fm.fileExists(atPath: oldCompanion.path) {
                        try fm.copyItem(at: oldCompanion, to: data.appendingPathComponent(companion))
                    }
                }
            }
        }
        return data
    }

    /// Where a WAL's last commit but one ends (its header alone if it holds one commit), or
    /// nil if it holds none. Frames are a 24-byte header — page number, then the database
    /// size after the commit, non-zero only on a commit's last frame — and a page.
    static func endOfCommitBeforeLast(_ wal: [UInt8]) -> Int? {
        guard wal.count >= 32 else { return nil }
        func integer(_ offset: Int) -> Int {
            wal[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        let frame = 24 + integer(8)
        var commits: [Int] = []
        var offset = 32
        while offset + frame <= wal.count {
            if integer(offset + 4) != 0 { commits.append(offset + frame) }
            offset += frame
        }
        guard !commits.isEmpty else { return nil }
        return commits.count >= 2 ? commits[commits.count - 2] : 32
    }

    /// A byte inside the second page's body for stores (page 1's header is clear text
    /// SQLite reads itself), inside the first frame's page for a WAL, the middle elsewhere.
    static func flipOffset(_ file: TamperedFile, count: Int) -> Int {
        switch file {
        case .regionStore, .controlStore: min(count - 1, 4096 + 1500)
        case .regionWAL, .controlWAL: min(count - 1, 32 + 24 + 1500)
        default: count / 2
        }
    }

    /// What one command said about a tampered directory.
    struct Verdict: Sendable {
        var detected: Bool
        var message: String
    }

    /// Runs `detector` on its own copy of `data`.
    func run(_ detector: Detector, on data: URL, file: TamperedFile, scratch: URL) throws -> Verdict {
        let copy = scratch.appendingPathComponent("detect-\(detector)".replacingOccurrences(of: " ", with: "-"))
        try FileManager.default.copyItem(at: data, to: copy)
        let environment = environment(for: file)
        let passphrase = file == .masterKDF
        let result: CordonProcess.Result
        switch detector {
        case .anyCommand:
            result = try CordonProcess.run(
                passphrase
                    ? ["audit", "tail", "-n", "1", "--data", copy.path]
                    : ["subject", "lookup", "--external-id", "o-eu-1", "--data", copy.path, "--json"],
                environment: environment
            )
        case .storeVerify:
            result = try CordonProcess.run(["store", "verify", "--data", copy.path], environment: environment)
        case .auditVerify:
            result = try CordonProcess.run(
                passphrase
                    ? ["audit", "verify", "--data", copy.path]
                    : ["audit", "verify", "--pubkey", template.pubkey.path, "--data", copy.path],
                environment: environment
            )
        case .verifyPy:
            guard !passphrase else { return Verdict(detected: false, message: "") }
            result = try Self.python([
                CordonProcess.packageRoot.appendingPathComponent("audit/verify.py").path,
                copy.appendingPathComponent("audit").path, "--pubkey", template.pubkey.path,
            ])
        case .savedCheckpoint:
            guard !passphrase else { return Verdict(detected: false, message: "") }
            result = try CordonProcess.run(
                [
                    "audit", "verify", "--pubkey", template.pubkey.path, "--checkpoint", template.saved.path,
                    "--data", copy.path,
                ],
                environment: environment
            )
        }
        // The sentence that names the problem: `store verify`'s first problem line, else the
        // error line, else the first line.
        let problem = result.standardOutput.split(separator: "\n").first { $0.hasPrefix("  ") }
        let lines = (result.standardError + "\n" + result.standardOutput).split(separator: "\n").map(String.init)
        let message =
            problem.map { $0.trimmingCharacters(in: .whitespaces) }
            ?? lines.first { $0.hasPrefix("error:") || $0.contains("FAILED") }
            ?? lines.first { !$0.isEmpty && !$0.hasPrefix("warning") } ?? ""
        return Verdict(detected: result.status != 0, message: message)
    }

    static func python(_ arguments: [String]) throws -> CordonProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CordonProcess.Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: out, as: UTF8.self),
            standardError: String(decoding: err, as: UTF8.self)
        )
    }
}
