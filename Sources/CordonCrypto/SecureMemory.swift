internal import CSodium
public import Foundation

/// Zeroing of plaintext buffers Cordon owns — decrypted PII, the JSON it is sealed from,
/// response bodies that carry it — before their memory goes back to the allocator, so a
/// later heap read (a core dump, a swap page, another bug) does not find it.
///
/// Uses `sodium_memzero`, which libsodium documents as "zeroing memory [that] will not be
/// optimized out by the compiler", unlike a plain loop or `memset` on memory about to be freed.
///
/// ```swift
/// var json = try JSONEncoder().encode(pii)
/// defer { SecureMemory.zero(&json) }
/// ```
///
/// - Warning: Only the bytes of the buffer passed are zeroed. Copies made elsewhere —
///   by Foundation (a `String` built from the bytes, the encoder's internal buffers), by a
///   collection that grew and moved its storage, by the allocator, by C libraries — are
///   not reachable from here (docs/ARCHITECTURE.md, threat model). An array or `Data`
///   whose storage is shared with another value is copied on write instead of zeroed in
///   place, so call it on a value nothing else holds.
public enum SecureMemory {
    /// Overwrites every byte of `buffer` with zero.
    public static func zero(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        sodium_memzero(base, buffer.count)
    }

    /// Overwrites every byte of `bytes` with zero, in place; the count is unchanged.
    public static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { zero($0) }
    }

    /// Overwrites every byte of `data` with zero, in place; the count is unchanged.
    public static func zero(_ data: inout Data) {
        data.withUnsafeMutableBytes { zero($0) }
    }
}

extension XChaCha20Poly1305 {
    /// Verifies and decrypts `box` into a buffer that lives only for `body`, and zeroes it
    /// before it is freed: for plaintext that must not outlive its use (a subject's PII).
    ///
    /// ```swift
    /// let pii = try XChaCha20Poly1305.open(box, using: dek, authenticating: context) { plaintext in
    ///     try decode(plaintext)   // copy out only what is needed
    /// }
    /// ```
    public static func open<R: KeyRole, T>(
        _ box: SealedBox,
        using key: SecretKey<R>,
        authenticating ad: [UInt8] = [],
        _ body: (UnsafeRawBufferPointer) throws -> T
    ) throws -> T {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(box.plaintextByteCount, 1), alignment: 1)
        defer { buffer.deallocate() }
        return try open(box, using: key, authenticating: ad, within: buffer, body)
    }

    /// ``open(_:using:authenticating:_:)`` in a buffer the caller allocated (at least
    /// `box.plaintextByteCount` bytes), zeroed when `body` returns or anything throws.
    static func open<R: KeyRole, T>(
        _ box: SealedBox,
        using key: SecretKey<R>,
        authenticating ad: [UInt8],
        within buffer: UnsafeMutableRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) throws -> T
    ) throws -> T {
        defer { SecureMemory.zero(buffer) }
        let plaintext = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<box.plaintextByteCount])
        try open(box, using: key, authenticating: ad, into: plaintext)
        return try body(UnsafeRawBufferPointer(plaintext))
    }
}
