/// Reads every page of an encrypted store and reports those that fail authentication;
/// `cordon store verify` runs it for each region.
///
/// ```swift
/// let report = try StoreVerifier.verify(path: "regions/eu.db", encryption: encryption)
/// if !report.isIntact { print(report.badPages, report.badWALFrames) }
/// ```
public enum StoreVerifier {
    /// What a verification found.
    public struct Report: Sendable, Equatable, CustomStringConvertible {
        /// A WAL frame that failed authentication.
        public struct WALFrame: Sendable, Equatable {
            /// The frame's 1-based position in the WAL file.
            public var frame: Int
            /// The page its header names.
            public var page: Int
        }

        /// The database file.
        public var path: String
        /// Pages read from the database file.
        public var pageCount: Int
        /// Frames read from the WAL, including old frames SQLite no longer uses.
        public var walFrameCount: Int
        /// The frames of the log SQLite recovers from the WAL (salts and checksum chain
        /// intact, up to its last commit); the frames after them are not part of the store.
        public var logFrameCount: Int
        /// Database pages that failed authentication, by page number.
        public var badPages: [Int]
        /// WAL frames that failed authentication.
        ///
        /// - Warning: After a crash the frames after the log (``logFrameCount``) may be
        ///   torn: SQLite ignores and overwrites them, so a bad frame there is not by itself
        ///   proof of tampering (``badFramesOfTheLog`` are the ones that count). A frame of
        ///   the log changed on disk ends the log where it is, which rolls the store back:
        ///   the store's anchor in the audit trail catches that (decision 0005).
        public var badWALFrames: [WALFrame]

        /// The bad frames SQLite would read as part of the store (none: a frame that fails
        /// ends the log; kept so a caller never has to reason about it).
        public var badFramesOfTheLog: [WALFrame] { badWALFrames.filter { $0.frame <= logFrameCount } }

        /// Whether every page and frame authenticated.
        public var isIntact: Bool { badPages.isEmpty && badWALFrames.isEmpty }

        /// One line for an operator: counts, and the failing pages when there are any.
        public var description: String {
            var text = "\(path): \(pageCount) pages, \(walFrameCount) WAL frames"
            if isIntact { return text + ", all authentic" }
            if !badPages.isEmpty {
                text +=
                    "; pages failing authentication: "
                    + badPages.map(String.init).joined(separator: ", ")
            }
            if !badWALFrames.isEmpty {
                text +=
                    "; WAL frames failing authentication: "
                    + badWALFrames.map { "\($0.frame) (page \($0.page))" }.joined(separator: ", ")
            }
            return text
        }
    }

    /// Authenticates every page of the database at `path` and every frame of its WAL.
    ///
    /// Reads the files directly, so free pages and old WAL frames are checked too. Run it
    /// on a quiet store: a write or checkpoint running at the same time may make a page
    /// read mid-write look bad. Throws ``StoreError/Code/notADatabase`` when the file has
    /// no Cordon header or not a single page authenticates: a wrong key, or an AES-256-GCM
    /// store on a CPU without AES-NI (the error says which).
    public static func verify(path: String, encryption: PageEncryption) throws -> Report {
        let report = try PageCipherVFS(encryption).verify(path: path)
        if report.pageCount > 0, report.badPages.count == report.pageCount {
            throw StoreError.unreadable(path: path)
        }
        return report
    }

    /// The page AEAD the store at `path` was created with (its header records it); nil
    /// when there is no file there or it is not a Cordon store.
    public static func algorithm(ofStoreAt path: String) -> PageEncryption.Algorithm? {
        PageCipherVFS.algorithm(ofStoreAt: path)
    }

    /// Whether the store at `path` opens under `encryption`: its page 1 (or, after a
    /// crash that tore page 1, its first WAL frame) authenticates. Use it after an
    /// interrupted ``PageEncryption/reencryptStore(at:from:to:)`` to learn which key
    /// the store is under.
    public static func opens(path: String, with encryption: PageEncryption) -> Bool {
        var configuration = Configuration()
        configuration.readOnly = true
        configuration.encryption = encryption
        return (try? Connection(path: path, configuration: configuration)) != nil
    }
}
