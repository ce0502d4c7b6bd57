import CordonCrypto
import Foundation
import Testing

@Suite("PasswordKDF")
struct PasswordKDFTests {
    let salt = SecureRandom.bytes(count: PasswordKDF.saltByteCount)

    @Test func derivationIsDeterministic() throws {
        let a = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: "correct horse",
            salt: salt,
            parameters: .testing
        )
        let b = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: "correct horse",
            salt: salt,
            parameters: .testing
        )
        #expect(a == b)
    }

    @Test func stringAndUTF8BytesAgree() throws {
        let a = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: "correct horse",
            salt: salt,
            parameters: .testing
        )
        let b = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: Array("correct horse".utf8),
            salt: salt,
            parameters: .testing
        )
        #expect(a == b)
    }

    @Test func composedAndDecomposedPassphrasesAgree() throws {
        let composed = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: "caf\u{E9}",
            salt: salt,
            parameters: .testing
        )
        let decomposed = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: "cafe\u{301}",
            salt: salt,
            parameters: .testing
        )
        #expect(composed == decomposed)
    }

    @Test func differentSaltsGiveDifferentKeys() throws {
        let other = SecureRandom.bytes(count: PasswordKDF.saltByteCount)
        let a = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: "correct horse",
            salt: salt,
            parameters: .testing
        )
        let b = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: "correct horse",
            salt: other,
            parameters: .testing
        )
        #expect(a != b)
    }

    @Test func differentPassphrasesGiveDifferentKeys() throws {
        let a = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: "correct horse",
            salt: salt,
            parameters: .testing
        )
        let b = try PasswordKDF.deriveKey(
            MasterKeyRole.self,
            passphrase: "correct horsf",
            salt: salt,
            parameters: .testing
        )
        #expect(a != b)
    }

    @Test func differentParametersGiveDifferentKeys() throws {
        let cheap = PasswordKDF.Parameters.testing
        let dearer = PasswordKDF.Parameters(opsLimit: cheap.opsLimit + 1, memLimit: cheap.memLimit)
        let a = try PasswordKDF.deriveKey(MasterKeyRole.self, passphrase: "pw", salt: salt, parameters: cheap)
        let b = try PasswordKDF.deriveKey(MasterKeyRole.self, passphrase: "pw", salt: salt, parameters: dearer)
        #expect(a != b)
    }

    @Test func emptyPassphraseIsRefused() {
        let error = #expect(throws: CryptoError.self) {
            try PasswordKDF.deriveKey(MasterKeyRole.self, passphrase: "", salt: salt, parameters: .testing)
        }
        #expect(error?.code == .invalidInput)
    }

    @Test(arguments: [0, 15, 17, 32])
    func saltOfWrongSizeIsRefused(byteCount: Int) {
        let error = #expect(throws: CryptoError.self) {
            try PasswordKDF.deriveKey(
                MasterKeyRole.self,
                passphrase: "pw",
                salt: SecureRandom.bytes(count: byteCount),
                parameters: .testing
            )
        }
        #expect(error?.code == .invalidSize)
    }

    @Test(arguments: [
        PasswordKDF.Parameters(opsLimit: 0, memLimit: 8192),
        PasswordKDF.Parameters(opsLimit: 1, memLimit: 1024),
    ])
    func parametersOutsideLibsodiumBoundsAreRefused(parameters: PasswordKDF.Parameters) {
        let error = #expect(throws: CryptoError.self) {
            try PasswordKDF.deriveKey(MasterKeyRole.self, passphrase: "pw", salt: salt, parameters: parameters)
        }
        #expect(error?.code == .invalidInput)
    }

    @Test func presetsGrowInCostAndSurviveCoding() throws {
        let presets: [PasswordKDF.Parameters] = [.testing, .interactive, .moderate, .sensitive]
        for (cheaper, dearer) in zip(presets, presets.dropFirst()) {
            #expect(cheaper.opsLimit <= dearer.opsLimit && cheaper.memLimit < dearer.memLimit)
        }
        #expect(PasswordKDF.Parameters.interactive == .init(opsLimit: 2, memLimit: 64 << 20))
        let data = try JSONEncoder().encode(PasswordKDF.Parameters.moderate)
        #expect(try JSONDecoder().decode(PasswordKDF.Parameters.self, from: data) == .moderate)
        #expect(PasswordKDF.saltByteCount == 16)
    }
}
