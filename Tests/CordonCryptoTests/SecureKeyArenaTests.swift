import CordonCrypto
import Testing

@Suite("SecureKeyArena")
struct SecureKeyArenaTests {
    @Test func keysFromOneArenaAreDistinctAndSealLikeAnyKey() throws {
        let arena = try SecureKeyArena(capacity: 20)  // more than one fill of eight slots
        let keys = try (0..<20).map { _ in try arena.randomKey(as: SubjectDEKRole.self) }
        let hexes = Set(keys.map { key in key.withUnsafeBytes { Hex.encode($0) } })
        #expect(hexes.count == 20)
        #expect(!hexes.contains(String(repeating: "0", count: 64)))
        #expect(arena.keysHandedOut == 20)
        for key in keys {
            let box = try XChaCha20Poly1305.seal(Array("pii".utf8), using: key, authenticating: [1])
            #expect(try XChaCha20Poly1305.open(box, using: key, authenticating: [1]) == Array("pii".utf8))
            #expect(key.description.hasPrefix("<redacted"))
        }
        #expect(keys[0] != keys[1])
    }

    @Test func aFullArenaRefusesAnotherKey() throws {
        let arena = try SecureKeyArena(capacity: 2)
        _ = try arena.randomKey(as: SubjectDEKRole.self)
        _ = try arena.randomKey(as: SubjectDEKRole.self)
        let error = #expect(throws: CryptoError.self) { try arena.randomKey(as: SubjectDEKRole.self) }
        #expect(error?.code == .outOfMemory)
    }

    @Test func aKeyOutlivesTheArenaThatMadeIt() throws {
        var arena: SecureKeyArena? = try SecureKeyArena(capacity: 1)
        let key = try arena!.randomKey(as: SubjectDEKRole.self)
        let wrapped = try KeyWrap.wrap(key, using: RegionKEK(), context: [7])
        arena = nil  // the key keeps its slot (and the guarded region) alive
        let box = try XChaCha20Poly1305.seal([42], using: key)
        #expect(try XChaCha20Poly1305.open(box, using: key) == [42])
        #expect(wrapped.count == KeyWrap.wrappedByteCount)
    }

    @Test func aWrappedArenaKeyUnwrapsToTheSameKey() throws {
        let kek = RegionKEK()
        let arena = try SecureKeyArena(capacity: 3)
        let dek = try arena.randomKey(as: SubjectDEKRole.self)
        let wrapped = try KeyWrap.wrap(dek, using: kek, context: Array("s-1".utf8))
        let unwrapped = try KeyWrap.unwrap(wrapped, as: SubjectDEKRole.self, using: kek, context: Array("s-1".utf8))
        #expect(unwrapped == dek)
    }
}
