internal import CSodium

/// Secret bytes in libsodium guarded memory: guard pages, a canary, `mlock`ed, read-only
/// once filled, and zeroed on release — or a slot of a ``SecureKeyArena`` (guarded too,
/// but writable while the arena lives), zeroed on release.
///
/// The pages are set read-only (`sodium_mprotect_readonly`) rather than toggled between
/// no-access and read-only on each use: toggling would need a lock around every access
/// (two threads reading the same key would revoke each other's access mid-read) and two
/// `mprotect` syscalls per use on the page-encryption hot path. Read-only still turns any
/// stray write into a crash and keeps the bytes out of swap and core dumps (`MADV_DONTDUMP`).
final class SecureBytes: @unchecked Sendable {
    // @unchecked Sendable: the storage is written once in `init` and read-only afterwards
    // (enforced by the MMU through sodium_mprotect_readonly), so sharing is race-free.
    private let pointer: UnsafeMutableRawPointer
    let count: Int
    /// The arena whose slot this is, or `nil` for bytes in their own guarded allocation.
    private let arena: SecureKeyArena?

    /// Allocates `count` bytes, lets `initialize` fill them, then seals them read-only.
    init(count: Int, initialize: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        Sodium.ensureReady()
        precondition(count > 0, "SecureBytes needs at least one byte")
        guard let pointer = sodium_malloc(count) else {
            throw CryptoError(.outOfMemory, "could not allocate guarded memory for a secret")
        }
        // Fill before storing the properties: once they are all set, a throw from here
        // would also run `deinit`, and freeing in both places crashed (double free).
        do {
            try initialize(UnsafeMutableRawBufferPointer(start: pointer, count: count))
        } catch {
            sodium_free(pointer)  // zeroes before unmapping
            throw error
        }
        sodium_mprotect_readonly(pointer)
        self.pointer = pointer
        self.count = count
        self.arena = nil
    }

    /// Bytes already written into a slot of `arena`; the slot is zeroed on release, and the
    /// arena (kept alive until then) frees the guarded region.
    init(slot: UnsafeMutableRawPointer, count: Int, in arena: SecureKeyArena) {
        self.pointer = slot
        self.count = count
        self.arena = arena
    }

    /// Copies `bytes` into guarded memory.
    convenience init(copying bytes: UnsafeRawBufferPointer) throws {
        try self.init(count: bytes.count) { $0.copyMemory(from: bytes) }
    }

    /// Fresh random bytes from libsodium's CSPRNG.
    convenience init(randomCount count: Int) throws {
        try self.init(count: count) { randombytes_buf($0.baseAddress!, $0.count) }
    }

    deinit {
        if arena != nil {
            // An arena's pages stay writable while it lives; zero just this slot now.
            sodium_memzero(pointer, count)
            return
        }
        // sodium_free zeroes the region and checks the canary; it needs write access.
        sodium_mprotect_readwrite(pointer)
        sodium_free(pointer)
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Constant-time comparison (`sodium_memcmp`); sizes are not secret.
    func constantTimeEquals(_ other: SecureBytes) -> Bool {
        guard count == other.count else { return false }
        return sodium_memcmp(pointer, other.pointer, count) == 0
    }
}
