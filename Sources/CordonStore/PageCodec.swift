internal import CSQLite
internal import CSQLiteVFS

/// Seals and opens single pages exactly as the encrypting VFS does for a store it creates
/// (the key and algorithm of a ``PageEncryption``, a fresh random database id), in memory:
/// no file, no SQLite. `cordon-bench` times it as the cipher's floor — a load's
/// ``PageEncryption/Activity`` times its cost per page is the least that load's
/// encryption can cost.
///
/// Owns one `cordon_vfs_codec`; `deinit` releases it. Not for storing data: the database
/// id lives only as long as the codec.
///
/// ```swift
/// let codec = try PageCodec(encryption: encryption)
/// var sealed = [UInt8](repeating: 0, count: codec.pageByteCount)
/// try codec.seal(plain, page: 2, into: &sealed)
/// ```
public final class PageCodec {
    /// Bytes of every page this codec seals and opens; the last
    /// `PageEncryption.reserveByteCount` of a plain page must be zero.
    public let pageByteCount: Int
    private let codec: OpaquePointer

    /// A codec under `encryption`'s key and algorithm for pages of `pageByteCount` bytes (a
    /// power of two from 512 to 65,536).
    public init(encryption: PageEncryption, pageByteCount: Int = 4096) throws {
        // The VFS itself may be unregistered at once: the codec holds its own reference.
        codec = try PageCipherVFS(encryption).makeCodec(pageSize: pageByteCount)
        self.pageByteCount = pageByteCount
    }

    deinit {
        cordon_vfs_codec_release(codec)
    }

    /// Seals `plain` as page `number` (1 or more) into `sealed`, with a fresh nonce.
    ///
    /// - Throws: ``StoreError`` when the page's reserve is not zero.
    /// - Precondition: Both buffers are ``pageByteCount`` bytes.
    public func seal(_ plain: [UInt8], page number: UInt32, into sealed: inout [UInt8]) throws {
        try apply(cordon_vfs_codec_seal, to: plain, into: &sealed, page: number, "cannot seal page \(number)")
    }

    /// Opens page `number` from `sealed` into `plain`, the reserve zeroed.
    ///
    /// - Throws: ``StoreError`` when the page is not authentic: changed, moved to another
    ///   number, or sealed under another key or database id.
    /// - Precondition: Both buffers are ``pageByteCount`` bytes.
    public func open(_ sealed: [UInt8], page number: UInt32, into plain: inout [UInt8]) throws {
        try apply(cordon_vfs_codec_open, to: sealed, into: &plain, page: number, "page \(number) is not authentic")
    }

    /// Runs `operation` (seal or open) from `source` into `target`; a result code other
    /// than SQLITE_OK becomes a ``StoreError`` with `message`.
    private func apply(
        _ operation: (OpaquePointer?, UInt32, UnsafePointer<UInt8>?, UnsafeMutablePointer<UInt8>?) -> Int32,
        to source: [UInt8],
        into target: inout [UInt8],
        page number: UInt32,
        _ message: @autoclosure () -> String
    ) throws {
        precondition(source.count == pageByteCount && target.count == pageByteCount, "a page is \(pageByteCount) bytes")
        let resultCode = source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in
                operation(codec, number, source.baseAddress, target.baseAddress)
            }
        }
        guard resultCode != SQLITE_OK else { return }
        throw StoreError(code: .init(sqliteResultCode: resultCode), extendedCode: resultCode, message: message())
    }
}
