internal import CSodium
import Synchronization

/// Guarded memory for the many short-lived keys of one batch (the DEKs of an ingest batch's
/// new subjects): one `sodium_malloc` region — guard pages, a canary, `mlock`ed, kept out
/// of core dumps — split into 32-byte slots, instead of one guarded allocation per key.
///
/// A key handed out by ``randomKey(as:)`` lives in its slot and reads like any other
/// ``SecretKey``; its slot is zeroed (`sodium_memzero`) when the key is released, and the
/// whole region is zeroed again and unmapped when the arena and every key from it are gone.
/// Slots are filled from libsodium's CSPRNG eight at a time (256 bytes, one getrandom(2)).
///
/// ```swift
/// let keys = try SecureKeyArena(capacity: lines.count)
/// let dek: SubjectDEK = try keys.randomKey(as: SubjectDEKRole.self)
/// ```
///
/// - Warning: Unlike a single ``SecretKey``, an arena's pages stay writable while it is in
///   use (a slot is zeroed when its key is released, which needs write access); a stray
///   write into the arena is not caught by the MMU. Keep an arena to one batch.
public final class SecureKeyArena: @unchecked Sendable {
    // @unchecked Sendable: `region` is fixed after init; the fill state sits in a Mutex, and
    // each slot is written once, under that Mutex, before its key is handed out.
    private let region: UnsafeMutableRawPointer
    /// How many keys the arena can hold.
    public let capacity: Int
    private struct Cursor {
        var handedOut = 0
        var filled = 0
    }
    private let cursor = Mutex(Cursor())

    /// Keys drawn from the CSPRNG per getrandom(2): libsodium reads at most 256 bytes per call.
    static let slotsPerFill = 8

    /// Reserves guarded memory for `capacity` keys (nothing is drawn yet).
    public init(capacity: Int) throws {
        Sodium.ensureReady()
        precondition(capacity > 0, "SecureKeyArena needs room for at least one key")
        guard let region = sodium_malloc(capacity * Self.slotByteCount) else {
            throw CryptoError(.outOfMemory, "could not allocate guarded memory for \(capacity) keys")
        }
        self.region = region
        self.capacity = capacity
    }

    deinit {
        sodium_free(region)  // zeroes the whole region, checks the canary, unmaps
    }

    static var slotByteCount: Int { 32 }

    /// A fresh random key in the next free slot.
    ///
    /// - Throws: `.outOfMemory` when every slot has been handed out.
    public func randomKey<R: KeyRole>(as role: R.Type) throws -> SecretKey<R> {
        precondition(SecretKey<R>.byteCount == Self.slotByteCount, "arena slots hold 32-byte keys")
        let slot = try cursor.withLock { cursor -> UnsafeMutableRawPointer in
            guard cursor.handedOut < capacity else {
                throw CryptoError(.outOfMemory, "a key arena of \(capacity) keys is full")
            }
            if cursor.handedOut == cursor.filled {
                let count = min(Self.slotsPerFill, capacity - cursor.filled)
                randombytes_buf(region + cursor.filled * Self.slotByteCount, count * Self.slotByteCount)
                cursor.filled += count
            }
            defer { cursor.handedOut += 1 }
            return region + cursor.handedOut * Self.slotByteCount
        }
        return SecretKey(storage: SecureBytes(slot: slot, count: Self.slotByteCount, in: self))
    }

    /// Keys handed out so far.
    public var keysHandedOut: Int { cursor.withLock { $0.handedOut } }
}
