import CordonCrypto
import Testing

@Suite("BlindIndex")
struct BlindIndexTests {
    let index = BlindIndex(key: BlindIndexKey())

    @Test(arguments: [
        (" Anna@Example.COM ", "anna@example.com"),
        ("ANNA@EXAMPLE.COM\n", "anna@example.com"),
        (
            "\u{FF41}\u{FF4E}\u{FF4E}\u{FF41}@\u{FF45}\u{FF58}\u{FF41}\u{FF4D}\u{FF50}\u{FF4C}\u{FF45}.com",
            "anna@example.com"
        ),
        ("\u{FF21}nna\u{FF20}example.com", "anna@example.com"),
        ("\u{3000}anna@example.com\u{3000}", "anna@example.com"),
        ("Zoe\u{0308}@example.com", "zo\u{00EB}@example.com"),
        ("\t o'brien+shop@Mail.Example.org", "o'brien+shop@mail.example.org"),
    ])
    func emailIsNormalizedBeforeIndexing(raw: String, normalized: String) throws {
        #expect(try BlindIndex.normalizedEmail(raw) == normalized)
        #expect(try index.index(email: raw) == index.index(email: normalized))
    }

    @Test func normalizedEmailIsUnchangedByNormalizingAgain() throws {
        for raw in ["İstanbul@Example.com", "ＡＢＣ@ｘ.com", "Straße@example.de"] {
            let once = try BlindIndex.normalizedEmail(raw)
            #expect(try BlindIndex.normalizedEmail(once) == once, "\(raw)")
        }
    }

    @Test(arguments: [
        "", "   ", "anna", "@example.com", "anna@", " @ ",
        String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 256),
    ])
    func malformedEmailIsRefused(email: String) {
        let error = #expect(throws: CryptoError.self) { try index.index(email: email) }
        #expect(error?.code == .invalidInput)
    }

    @Test func emailOfExactly320BytesIsAccepted() throws {
        let email = String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 255)
        #expect(email.utf8.count == 320)
        #expect(try index.index(email: email).count == BlindIndex.byteCount)
    }

    @Test(arguments: [
        (" AbC-123 ", "AbC-123"),
        ("\u{FF21}\u{FF22}\u{FF23}", "ABC"),
        ("cust_42\n", "cust_42"),
    ])
    func identifierIsTrimmedAndCompatibilityNormalized(raw: String, normalized: String) throws {
        #expect(try BlindIndex.normalizedIdentifier(raw) == normalized)
        #expect(try index.index(identifier: raw) == index.index(identifier: normalized))
    }

    @Test func identifierKeepsItsCase() throws {
        #expect(try index.index(identifier: "abc") != index.index(identifier: "ABC"))
    }

    @Test(arguments: ["", " \n\t", String(repeating: "x", count: 257), String(repeating: "é", count: 129)])
    func emptyOrOverlongIdentifierIsRefused(identifier: String) {
        let error = #expect(throws: CryptoError.self) { try index.index(identifier: identifier) }
        #expect(error?.code == .invalidInput)
    }

    @Test func identifierOfExactly256BytesIsAccepted() throws {
        #expect(try index.index(identifier: String(repeating: "x", count: 256)).count == 32)
    }

    @Test func kindsAreDomainSeparated() throws {
        #expect(try index.index(email: "anna@example.com") != index.index(identifier: "anna@example.com"))
    }

    @Test func differentKeysGiveDifferentIndexes() throws {
        let other = BlindIndex(key: BlindIndexKey())
        #expect(try index.index(email: "anna@example.com") != other.index(email: "anna@example.com"))
        #expect(try index.index(identifier: "cust_42") != other.index(identifier: "cust_42"))
    }

    @Test func sameKeyGivesStableIndexes() throws {
        let bytes = SecureRandom.bytes(count: 32)
        let a = BlindIndex(key: try BlindIndexKey(copying: bytes))
        let b = BlindIndex(key: try BlindIndexKey(copying: bytes))
        #expect(try a.index(email: "anna@example.com") == b.index(email: "Anna@Example.com"))
    }

    @Test func differentEmailsGiveDifferentIndexes() throws {
        #expect(try index.index(email: "anna@example.com") != index.index(email: "hanna@example.com"))
    }
}
