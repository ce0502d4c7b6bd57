import CordonCrypto
import Testing

@Suite("XChaCha20Poly1305")
struct XChaCha20Poly1305Tests {
    struct KnownAnswer: Decodable {
        let name: String
        let key, nonce, ad, plaintext, ciphertext, tag: HexBytes
    }

    struct KnownAnswerFile: Decodable {
        let tests: [KnownAnswer]
    }

    let key = SecretKey<TestKeyRole>()
    let ad = Array("region=eu;subject=42;field=email".utf8)

    @Test func detachedSealMatchesDraftVector() throws {
        let file = try KnownAnswers.load("xchacha20poly1305", as: KnownAnswerFile.self)
        #expect(!file.tests.isEmpty)
        for vector in file.tests {
            let key = try SecretKey<TestKeyRole>(copying: vector.key.bytes)
            var ciphertext = [UInt8](repeating: 0, count: vector.plaintext.bytes.count)
            var tag = [UInt8](repeating: 0, count: XChaCha20Poly1305.tagByteCount)
            try seal(
                vector.plaintext.bytes,
                into: &ciphertext,
                tag: &tag,
                key: key,
                nonce: vector.nonce.bytes,
                ad: vector.ad.bytes
            )
            #expect(ciphertext == vector.ciphertext.bytes, "\(vector.name)")
            #expect(tag == vector.tag.bytes, "\(vector.name)")
            let plaintext = try open(ciphertext, tag: tag, key: key, nonce: vector.nonce.bytes, ad: vector.ad.bytes)
            #expect(plaintext == vector.plaintext.bytes, "\(vector.name)")
        }
    }

    @Test(arguments: [0, 1, 15, 16, 17, 64, 1000, 4096])
    func roundTripRestoresPlaintext(byteCount: Int) throws {
        let plaintext = SecureRandom.bytes(count: byteCount)
        let box = try XChaCha20Poly1305.seal(plaintext, using: key, authenticating: ad)
        #expect(box.combined.count == byteCount + XChaCha20Poly1305.SealedBox.overheadByteCount)
        #expect(box.version == 0x01)
        #expect(box.plaintextByteCount == byteCount)
        let reread = try XChaCha20Poly1305.SealedBox(combined: box.combined)
        #expect(try XChaCha20Poly1305.open(reread, using: key, authenticating: ad) == plaintext)
    }

    @Test func envelopeLaysOutVersionNonceCiphertextTag() throws {
        let box = try XChaCha20Poly1305.seal([1, 2, 3], using: key)
        #expect(box.combined == [box.version] + box.nonce + box.ciphertext + box.tag)
        #expect(box.nonce.count == 24 && box.ciphertext.count == 3 && box.tag.count == 16)
    }

    @Test func sealingTwiceUsesFreshNonces() throws {
        let first = try XChaCha20Poly1305.seal([7, 7, 7], using: key, authenticating: ad)
        let second = try XChaCha20Poly1305.seal([7, 7, 7], using: key, authenticating: ad)
        #expect(first.nonce != second.nonce)
        #expect(first.combined != second.combined)
    }

    @Test func flippingAnyByteOfTheEnvelopeIsRefused() throws {
        let box = try XChaCha20Poly1305.seal(Array("ada@example.com".utf8), using: key, authenticating: ad)
        for index in box.combined.indices {
            for bit in [0x01, 0x80] as [UInt8] {
                var tampered = box.combined
                tampered[index] ^= bit
                let error = #expect(throws: CryptoError.self, "byte \(index) bit \(bit)") {
                    try XChaCha20Poly1305.open(
                        XChaCha20Poly1305.SealedBox(combined: tampered),
                        using: key,
                        authenticating: ad
                    )
                }
                // The version byte fails at parsing, every other byte at authentication.
                #expect(error?.code == (index == 0 ? .unsupportedVersion : .authenticationFailed))
            }
        }
    }

    @Test func openFailsWithWrongKey() throws {
        let box = try XChaCha20Poly1305.seal([1, 2, 3], using: key, authenticating: ad)
        let error = #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(box, using: SecretKey<TestKeyRole>(), authenticating: ad)
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test(arguments: [
        [], Array("region=eu;subject=43;field=email".utf8), Array("region=eu;subject=42;field=emai".utf8),
    ])
    func openFailsWithWrongAssociatedData(wrongAD: [UInt8]) throws {
        let box = try XChaCha20Poly1305.seal([1, 2, 3], using: key, authenticating: ad)
        let error = #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(box, using: key, authenticating: wrongAD)
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test func failedOpenLeavesOutputZeroed() throws {
        let box = try XChaCha20Poly1305.seal([1, 2, 3, 4], using: key, authenticating: ad)
        var output: [UInt8] = [9, 9, 9, 9]
        #expect(throws: CryptoError.self) {
            try output.withUnsafeMutableBytes {
                try XChaCha20Poly1305.open(box, using: SecretKey<TestKeyRole>(), authenticating: ad, into: $0)
            }
        }
        #expect(output == [0, 0, 0, 0])
    }

    @Test(arguments: [0, 1, 24, 25, 40])
    func truncatedEnvelopeIsMalformed(byteCount: Int) throws {
        var combined = [UInt8](repeating: 0xab, count: byteCount)
        if !combined.isEmpty { combined[0] = XChaCha20Poly1305.SealedBox.currentVersion }
        let error = #expect(throws: CryptoError.self) { try XChaCha20Poly1305.SealedBox(combined: combined) }
        #expect(error?.code == .malformedEnvelope)
    }

    @Test(arguments: [0x00, 0x02, 0xff] as [UInt8])
    func unknownVersionIsUnsupported(version: UInt8) throws {
        var combined = try XChaCha20Poly1305.seal([1, 2, 3], using: key).combined
        combined[0] = version
        let error = #expect(throws: CryptoError.self) { try XChaCha20Poly1305.SealedBox(combined: combined) }
        #expect(error?.code == .unsupportedVersion)
    }

    @Test func versionByteIsAuthenticated() throws {
        // A box built by hand, sealed with only the caller's AD, must not open: the real
        // envelope authenticates version ‖ AD.
        let nonce = SecureRandom.bytes(count: 24)
        var ciphertext = [UInt8](repeating: 0, count: 3)
        var tag = [UInt8](repeating: 0, count: 16)
        try seal([1, 2, 3], into: &ciphertext, tag: &tag, key: key, nonce: nonce, ad: ad)
        let forged = try XChaCha20Poly1305.SealedBox(combined: [0x01] + nonce + ciphertext + tag)
        #expect(throws: CryptoError.self) { try XChaCha20Poly1305.open(forged, using: key, authenticating: ad) }
        // ...whereas including the version byte is exactly what seal does.
        try seal([1, 2, 3], into: &ciphertext, tag: &tag, key: key, nonce: nonce, ad: [0x01] + ad)
        let genuine = try XChaCha20Poly1305.SealedBox(combined: [0x01] + nonce + ciphertext + tag)
        #expect(try XChaCha20Poly1305.open(genuine, using: key, authenticating: ad) == [1, 2, 3])
    }

    @Test func detachedSealAndOpenWorkInPlace() throws {
        let nonce = SecureRandom.bytes(count: 24)
        let original = SecureRandom.bytes(count: 100)
        var buffer = original
        var tag = [UInt8](repeating: 0, count: 16)
        try buffer.withUnsafeMutableBytes { page in
            try tag.withUnsafeMutableBytes { tag in
                try nonce.withUnsafeBytes { nonce in
                    try XChaCha20Poly1305.seal(
                        UnsafeRawBufferPointer(page),
                        into: page,
                        tag: tag,
                        using: key,
                        nonce: nonce,
                        authenticating: UnsafeRawBufferPointer(start: nil, count: 0)
                    )
                }
            }
        }
        var expected = [UInt8](repeating: 0, count: 100)
        try seal(original, into: &expected, tag: &tag, key: key, nonce: nonce, ad: [])
        #expect(buffer == expected)
        try buffer.withUnsafeMutableBytes { page in
            try tag.withUnsafeBytes { tag in
                try nonce.withUnsafeBytes { nonce in
                    try XChaCha20Poly1305.open(
                        UnsafeRawBufferPointer(page),
                        tag: tag,
                        into: page,
                        using: key,
                        nonce: nonce,
                        authenticating: UnsafeRawBufferPointer(start: nil, count: 0)
                    )
                }
            }
        }
        #expect(buffer == original)
    }

    @Test(arguments: [0, 12, 23, 25, 32])
    func detachedSealRefusesWrongNonceSize(nonceByteCount: Int) throws {
        var ciphertext = [UInt8](repeating: 0, count: 3)
        var tag = [UInt8](repeating: 0, count: 16)
        let error = #expect(throws: CryptoError.self) {
            try seal(
                [1, 2, 3],
                into: &ciphertext,
                tag: &tag,
                key: key,
                nonce: SecureRandom.bytes(count: nonceByteCount),
                ad: []
            )
        }
        #expect(error?.code == .invalidSize)
    }
}

// Array conveniences over the detached primitives, shared with the Wycheproof tests.
extension XChaCha20Poly1305Tests {
    func seal(
        _ plaintext: [UInt8],
        into ciphertext: inout [UInt8],
        tag: inout [UInt8],
        key: SecretKey<TestKeyRole>,
        nonce: [UInt8],
        ad: [UInt8]
    ) throws {
        try plaintext.withUnsafeBytes { plaintext in
            try ciphertext.withUnsafeMutableBytes { ciphertext in
                try tag.withUnsafeMutableBytes { tag in
                    try nonce.withUnsafeBytes { nonce in
                        try ad.withUnsafeBytes { ad in
                            try XChaCha20Poly1305.seal(
                                plaintext,
                                into: ciphertext,
                                tag: tag,
                                using: key,
                                nonce: nonce,
                                authenticating: ad
                            )
                        }
                    }
                }
            }
        }
    }

    func open(
        _ ciphertext: [UInt8],
        tag: [UInt8],
        key: SecretKey<TestKeyRole>,
        nonce: [UInt8],
        ad: [UInt8]
    ) throws -> [UInt8] {
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        try ciphertext.withUnsafeBytes { ciphertext in
            try plaintext.withUnsafeMutableBytes { plaintext in
                try tag.withUnsafeBytes { tag in
                    try nonce.withUnsafeBytes { nonce in
                        try ad.withUnsafeBytes { ad in
                            try XChaCha20Poly1305.open(
                                ciphertext,
                                tag: tag,
                                into: plaintext,
                                using: key,
                                nonce: nonce,
                                authenticating: ad
                            )
                        }
                    }
                }
            }
        }
        return plaintext
    }
}
