import CordonCrypto
import Testing

@Suite("KeyWrap")
struct KeyWrapTests {
    let kek = RegionKEK()
    let context = Array("region=eu;kek=3;subject=42".utf8)

    @Test func unwrapRestoresTheWrappedKey() throws {
        let dek = SubjectDEK()
        let wrapped = try KeyWrap.wrap(dek, using: kek, context: context)
        #expect(wrapped.count == KeyWrap.wrappedByteCount)
        #expect(try KeyWrap.unwrap(wrapped, as: SubjectDEKRole.self, using: kek, context: context) == dek)
    }

    @Test func wrappedBytesDoNotContainTheKey() throws {
        let dek = SubjectDEK()
        let wrapped = try KeyWrap.wrap(dek, using: kek, context: context)
        let keyHex = dek.withUnsafeBytes { Hex.encode($0) }
        #expect(!Hex.encode(wrapped).contains(keyHex))
    }

    @Test func unwrapFailsWithWrongContext() throws {
        let wrapped = try KeyWrap.wrap(SubjectDEK(), using: kek, context: context)
        let error = #expect(throws: CryptoError.self) {
            try KeyWrap.unwrap(
                wrapped,
                as: SubjectDEKRole.self,
                using: kek,
                context: Array("region=eu;kek=3;subject=43".utf8)
            )
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test func unwrapFailsAsAnotherRole() throws {
        let wrapped = try KeyWrap.wrap(SubjectDEK(), using: kek, context: context)
        let error = #expect(throws: CryptoError.self) {
            try KeyWrap.unwrap(wrapped, as: PageKeyRole.self, using: kek, context: context)
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test func unwrapFailsUnderAWrappingKeyOfAnotherRoleWithTheSameBytes() throws {
        let bytes = SecureRandom.bytes(count: 32)
        let asKEK = try RegionKEK(copying: bytes)
        let asMaster = try MasterKey(copying: bytes)
        let wrapped = try KeyWrap.wrap(SubjectDEK(), using: asKEK, context: context)
        #expect(throws: CryptoError.self) {
            try KeyWrap.unwrap(wrapped, as: SubjectDEKRole.self, using: asMaster, context: context)
        }
    }

    @Test func unwrapFailsWithWrongWrappingKey() throws {
        let wrapped = try KeyWrap.wrap(SubjectDEK(), using: kek, context: context)
        let error = #expect(throws: CryptoError.self) {
            try KeyWrap.unwrap(wrapped, as: SubjectDEKRole.self, using: RegionKEK(), context: context)
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test func unwrapRefusesTamperedBytes() throws {
        let wrapped = try KeyWrap.wrap(SubjectDEK(), using: kek, context: context)
        for index in wrapped.indices {
            var tampered = wrapped
            tampered[index] ^= 0x01
            #expect(throws: CryptoError.self, "byte \(index)") {
                try KeyWrap.unwrap(tampered, as: SubjectDEKRole.self, using: kek, context: context)
            }
        }
    }

    @Test func unwrapRefusesAnEnvelopeOfTheWrongSize() throws {
        let box = try XChaCha20Poly1305.seal(SecureRandom.bytes(count: 16), using: kek)
        let error = #expect(throws: CryptoError.self) {
            try KeyWrap.unwrap(box.combined, as: SubjectDEKRole.self, using: kek, context: context)
        }
        #expect(error?.code == .malformedEnvelope)
    }

    @Test func masterKeyWrapsRegionKEK() throws {
        let master = MasterKey()
        let wrapped = try KeyWrap.wrap(kek, using: master, context: Array("region=eu;kek=3".utf8))
        #expect(
            try KeyWrap.unwrap(wrapped, as: RegionKEKRole.self, using: master, context: Array("region=eu;kek=3".utf8))
                == kek
        )
    }
}
