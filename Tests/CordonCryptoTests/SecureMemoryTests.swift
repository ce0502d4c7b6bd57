import Foundation
import Testing

@testable import CordonCrypto

/// What a test can show about zeroing: the buffers Cordon owns read back as zeros after
/// the call. It cannot show that no other copy exists (Foundation's, the allocator's, the
/// kernel's); docs/ARCHITECTURE.md's threat model says what may remain.
@Suite("SecureMemory")
struct SecureMemoryTests {
    let key = SecretKey<TestKeyRole>()

    @Test func zeroingOverwritesEveryByteInPlace() {
        var bytes = Array("anna@example.com".utf8)
        let address = bytes.withUnsafeBytes { $0.baseAddress }
        SecureMemory.zero(&bytes)
        #expect(bytes == [UInt8](repeating: 0, count: 16))
        #expect(bytes.withUnsafeBytes { $0.baseAddress } == address, "zeroed in place, not a zeroed copy")

        var data = Data("+49 30 123456".utf8)
        SecureMemory.zero(&data)
        #expect(data == Data(count: 13))

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xa5)
        SecureMemory.zero(buffer)
        #expect(buffer.allSatisfy { $0 == 0 })
        SecureMemory.zero(UnsafeMutableRawBufferPointer(start: nil, count: 0))
    }

    @Test func aScopedOpenHandsThePlaintextOverAndZeroesItsBuffer() throws {
        let secret = Array(#"{"email":"anna@example.com","name":"Anna Berg"}"#.utf8)
        let box = try XChaCha20Poly1305.seal(secret, using: key, authenticating: [7])
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: box.plaintextByteCount, alignment: 1)
        defer { buffer.deallocate() }
        let seen = try XChaCha20Poly1305.open(box, using: key, authenticating: [7], within: buffer) { Array($0) }
        #expect(seen == secret)
        #expect(buffer.allSatisfy { $0 == 0 }, "the plaintext buffer is zeroed once the body returns")

        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try XChaCha20Poly1305.open(box, using: key, authenticating: [7], within: buffer) { _ in throw Stop() }
        }
        #expect(buffer.allSatisfy { $0 == 0 }, "and when it throws")
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(box, using: key, authenticating: [8], within: buffer) { _ in () }
        }
        #expect(buffer.allSatisfy { $0 == 0 })
        #expect(try XChaCha20Poly1305.open(box, using: key, authenticating: [7]) { Array($0) } == secret)
    }
}
