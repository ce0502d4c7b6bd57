internal import CGFShare
internal import CSodium

/// Owns one libgfshare context (`gfshare_ctx_init_enc` / `_dec`): `init` acquires it,
/// `deinit` frees it — libgfshare overwrites the context's buffer, which held the secret or
/// the shares, before releasing it.
///
/// Every share is `byteCount` bytes of GF(2^8) values, one polynomial per byte of the
/// secret, evaluated at the share's number (1...255; 0 would be the secret itself).
final class GFShareContext {
    private let context: OpaquePointer
    let byteCount: Int

    /// libgfshare draws the polynomials' coefficients from `gfshare_fill_rand`, and
    /// `gfshare_ctx_free` overwrites a context with it; its only built-in choice "is a bad
    /// idea" (`random(3)`) and Debian's build leaves it unset (a null call): point it at
    /// libsodium's CSPRNG once, before the first context of either kind.
    private static let randomnessInstalled: Bool = {
        Sodium.ensureReady()
        cordon_gfshare_set_random { buffer, count in
            if let buffer, count > 0 { randombytes_buf(buffer, Int(count)) }
        }
        return true
    }()

    /// A context that splits a `byteCount`-byte secret into shares `numbers`, any
    /// `threshold` of which recover it.
    init(splitting byteCount: Int, numbers: [UInt8], threshold: UInt8) throws {
        _ = Self.randomnessInstalled
        var numbers = numbers
        guard
            let context = gfshare_ctx_init_enc(&numbers, UInt32(numbers.count), threshold, UInt32(byteCount))
        else {
            throw CryptoError(.outOfMemory, "libgfshare could not set up a split")
        }
        self.context = context
        self.byteCount = byteCount
    }

    /// A context that recovers a `byteCount`-byte secret from the shares `numbers`.
    init(combining byteCount: Int, numbers: [UInt8]) throws {
        _ = Self.randomnessInstalled
        var numbers = numbers
        guard let context = gfshare_ctx_init_dec(&numbers, UInt32(numbers.count), UInt32(byteCount)) else {
            throw CryptoError(.outOfMemory, "libgfshare could not set up a recovery")
        }
        self.context = context
        self.byteCount = byteCount
    }

    deinit {
        gfshare_ctx_free(context)
    }

    /// Sets the secret to split (copied into the context, which draws the polynomials).
    func setSecret(_ secret: UnsafeRawBufferPointer) {
        precondition(secret.count == byteCount, "the secret must be \(byteCount) bytes")
        gfshare_ctx_enc_setsecret(
            context,
            UnsafeMutablePointer(mutating: secret.bindMemory(to: UInt8.self).baseAddress!)
        )
    }

    /// Writes the share at position `index` of the numbers the context was made with
    /// ("'sharenr' is the index into the 'sharenrs' array") into `share` (`byteCount` bytes).
    func share(at index: Int, into share: UnsafeMutableRawBufferPointer) {
        precondition(share.count == byteCount, "a share buffer must be \(byteCount) bytes")
        gfshare_ctx_enc_getshare(context, UInt8(index), share.bindMemory(to: UInt8.self).baseAddress!)
    }

    /// Gives the share at position `index` of the numbers the context was made with.
    func give(_ index: Int, _ share: UnsafeRawBufferPointer) {
        precondition(share.count == byteCount, "a share must be \(byteCount) bytes")
        gfshare_ctx_dec_giveshare(
            context,
            UInt8(index),
            UnsafeMutablePointer(mutating: share.bindMemory(to: UInt8.self).baseAddress!)
        )
    }

    /// Interpolates the secret at 0 into `secret` (`byteCount` bytes).
    func extract(into secret: UnsafeMutableRawBufferPointer) {
        precondition(secret.count == byteCount, "the secret buffer must be \(byteCount) bytes")
        gfshare_ctx_dec_extract(context, secret.bindMemory(to: UInt8.self).baseAddress!)
    }
}
