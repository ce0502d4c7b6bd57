internal import CSQLite
internal import CSQLiteVFS

/// Owns one registered encrypting VFS (`cordon_vfs_create`), which holds a copy of a page
/// key in guarded memory; `deinit` unregisters it, and the C side zeroes the key once the
/// last file opened through it is closed.
///
/// A ``Connection`` makes its own, so the WAL and journal SQLite opens for that
/// connection reach the same key through the VFS, with no global key registry.
final class PageCipherVFS {
    private let vfs: OpaquePointer

    /// Registers a VFS for `encryption`'s key, whose temporary files go in
    /// `temporaryDirectory` (nil: where SQLite puts them for the whole process).
    init(_ encryption: PageEncryption, temporaryDirectory: String? = nil) throws {
        _ = Connection.libraryConfigured  // before registering a VFS initializes SQLite
        guard encryption.algorithm.isAvailable else {
            throw StoreError(
                code: .cantOpen,
                message: "cannot seal pages with \(encryption.algorithm.rawValue): this CPU lacks AES-NI or CLMUL; "
                    + "use \(PageEncryption.Algorithm.xChaCha20Poly1305.rawValue)"
            )
        }
        var created: OpaquePointer?
        let algorithm =
            switch encryption.algorithm {
            case .xChaCha20Poly1305: CORDON_VFS_XCHACHA20POLY1305
            case .aes256GCM: CORDON_VFS_AES256GCM
            }
        let resultCode = encryption.key.withUnsafeBytes { bytes in
            // A key of another length is a bug in the caller's key hierarchy, not an
            // environment failure.
            precondition(bytes.count == PageEncryption.keyByteCount, "a page key is 32 bytes")
            return cordon_vfs_create(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), algorithm, &created)
        }
        guard resultCode == SQLITE_OK, let created else {
            throw StoreError(
                code: .init(sqliteResultCode: resultCode),
                extendedCode: resultCode,
                message: "cannot set up page encryption (libsodium or SQLite failed to initialize)"
            )
        }
        vfs = created
        if let seals = encryption.gcmSealsPerSubkey {
            cordon_vfs_set_gcm_seals_per_subkey(created, seals)
        }
        if let temporaryDirectory, cordon_vfs_set_temporary_directory(created, temporaryDirectory) != SQLITE_OK {
            throw StoreError(code: .noMemory, message: "cannot set up page encryption (out of memory)")
        }
    }

    deinit {
        cordon_vfs_release(vfs)
    }

    /// The registered name, for `sqlite3_open_v2` or a `?vfs=` URI parameter.
    var name: String { String(cString: cordon_vfs_name(vfs)) }

    /// Why the last database opened through this VFS was refused, as an error naming
    /// `path`; nil when it was not refused.
    func refusal(path: String) -> StoreError? {
        switch Int(cordon_vfs_open_was_refused(vfs)) {
        case 0: nil
        case Int(CORDON_VFS_CIPHER_UNAVAILABLE.rawValue): StoreError.cipherUnavailable(path: path)
        default: StoreError.wrongPageKey(path: path)
        }
    }

    /// Pages sealed and opened, and temporary files opened, through this VFS so far.
    var activity: PageEncryption.Activity {
        var sealed: UInt64 = 0
        var opened: UInt64 = 0
        cordon_vfs_page_counts(vfs, &sealed, &opened)
        return PageEncryption.Activity(
            pagesSealed: sealed,
            pagesOpened: opened,
            temporaryFilesOpened: cordon_vfs_temporary_files(vfs)
        )
    }

    /// A page codec with no file under this VFS's key and algorithm, for pages of
    /// `pageSize` bytes; it keeps the key alive until ``PageCodec`` releases it.
    func makeCodec(pageSize: Int) throws -> OpaquePointer {
        var codec: OpaquePointer?
        let resultCode = cordon_vfs_codec_create(vfs, Int32(clamping: pageSize), &codec)
        guard resultCode == SQLITE_OK, let codec else {
            throw StoreError(
                code: .init(sqliteResultCode: resultCode),
                extendedCode: resultCode,
                message: "cannot make a page codec for \(pageSize)-byte pages"
            )
        }
        return codec
    }

    /// Whether this CPU runs libsodium's AES-256-GCM.
    static let aes256GCMIsAvailable: Bool = cordon_vfs_aes256gcm_available() != 0

    /// The algorithm recorded in the header of the store at `path`; nil when the file is
    /// missing or not a Cordon store.
    static func algorithm(ofStoreAt path: String) -> PageEncryption.Algorithm? {
        switch cordon_vfs_store_algorithm(path) {
        case CORDON_VFS_XCHACHA20POLY1305: .xChaCha20Poly1305
        case CORDON_VFS_AES256GCM: .aes256GCM
        default: nil
        }
    }

    /// Authenticates every page of `path` and its WAL; see ``StoreVerifier``.
    func verify(path: String) throws -> StoreVerifier.Report {
        final class Failures {
            var pages: [Int] = []
            var frames: [StoreVerifier.Report.WALFrame] = []
        }
        let failures = Failures()
        var pageCount: UInt32 = 0
        var frameCount: UInt32 = 0
        var logFrameCount: UInt32 = 0
        let resultCode = withExtendedLifetime(failures) {
            cordon_vfs_verify(
                vfs,
                path,
                path + "-wal",
                { context, inWAL, frame, page in
                    let failures = Unmanaged<Failures>.fromOpaque(context!).takeUnretainedValue()
                    if inWAL != 0 {
                        failures.frames.append(.init(frame: Int(frame), page: Int(page)))
                    } else {
                        failures.pages.append(Int(page))
                    }
                },
                Unmanaged.passUnretained(failures).toOpaque(),
                &pageCount,
                &frameCount,
                &logFrameCount
            )
        }
        switch resultCode {
        case SQLITE_OK:
            return StoreVerifier.Report(
                path: path,
                pageCount: Int(pageCount),
                walFrameCount: Int(frameCount),
                logFrameCount: Int(logFrameCount),
                badPages: failures.pages,
                badWALFrames: failures.frames
            )
        case SQLITE_NOTADB:
            throw StoreError.unreadable(path: path)
        default:
            throw StoreError(
                code: .init(sqliteResultCode: resultCode),
                extendedCode: resultCode,
                message: "cannot read \(path) to verify it",
                path: path
            )
        }
    }
}

extension StoreError {
    /// The one sentence for a store that does not open under its key.
    static func wrongPageKey(path: String) -> StoreError {
        StoreError(
            code: .notADatabase,
            extendedCode: SQLITE_NOTADB,
            message: "cannot open \(path): wrong page key or not a Cordon store",
            path: path
        )
    }

    /// The one sentence for a store sealed with AES-256-GCM on a CPU that cannot run it.
    static func cipherUnavailable(path: String) -> StoreError {
        StoreError(
            code: .notADatabase,
            extendedCode: SQLITE_NOTADB,
            message: "cannot open \(path): it is sealed with AES-256-GCM and this CPU lacks AES-NI or CLMUL; "
                + "open it on a machine that has them and rotate its pages to xchacha20-poly1305",
            path: path
        )
    }

    /// Why no page of the store at `path` authenticates, judged from its header: a cipher
    /// this CPU lacks, or else a wrong key (or not a Cordon store).
    static func unreadable(path: String) -> StoreError {
        PageCipherVFS.algorithm(ofStoreAt: path) == .aes256GCM && !PageCipherVFS.aes256GCMIsAvailable
            ? cipherUnavailable(path: path) : wrongPageKey(path: path)
    }

    /// A clearer message for an error the encrypting VFS explains: the file and page that
    /// failed authentication, or why it refused a write or an access. Nil when the
    /// connection does not use the VFS or the VFS has nothing to say about this error.
    static func pageFailureMessage(database: OpaquePointer, resultCode: Int32) -> String? {
        var failure = cordon_vfs_failure()
        guard
            sqlite3_file_control(database, "main", CORDON_VFS_FCNTL_LAST_FAILURE, &failure) == SQLITE_OK
        else { return nil }
        let path = withUnsafeBytes(of: &failure.path) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch (Int(failure.kind), resultCode) {
        case (Int(CORDON_VFS_TEMPORARY_BLOCK_NOT_AUTHENTIC.rawValue), Int32(CORDON_VFS_IOERR_NOT_AUTHENTIC)):
            let file = path == "(temporary)" ? "a temporary file" : "the temporary file \(path)"
            return "block \(failure.page) of \(file) (a sort's spill or a temporary table, unlinked once open) "
                + "failed authentication: it was modified on disk"
        case (Int(CORDON_VFS_PAGE_NOT_AUTHENTIC.rawValue), Int32(CORDON_VFS_IOERR_NOT_AUTHENTIC)):
            return "page \(failure.page) of \(path) failed authentication: "
                + "it was modified, moved, or sealed under another key"
        case (Int(CORDON_VFS_NO_RESERVE.rawValue), Int32(CORDON_VFS_IOERR_WRITE)):
            return "cannot seal page \(failure.page) of \(path): the store has no reserved bytes "
                + "for nonce and tag (it was created without page encryption)"
        case (Int(CORDON_VFS_UNEXPECTED_ACCESS.rawValue), let code) where code & 0xff == SQLITE_IOERR:
            return "refused an access to \(path) that is not a whole page or header"
        default:
            return nil
        }
    }
}

extension StoreError {
    /// Whether the encrypting VFS refused a page, WAL frame or temporary block because it
    /// failed authentication: the file was modified, moved, or sealed under another key.
    public var isAuthenticationFailure: Bool {
        extendedCode == Int32(CORDON_VFS_IOERR_NOT_AUTHENTIC)
    }
}
