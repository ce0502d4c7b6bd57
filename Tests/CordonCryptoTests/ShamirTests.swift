import CordonCrypto
import Testing

@Suite struct ShamirTests {

    @Test func splitThenCombineRoundTrips() throws {
        let key = MasterKey()
        let shares = try Shamir.split(key, count: 5, threshold: 3)
        #expect(shares.map(\.number) == [1, 2, 3, 4, 5])
        #expect(try Shamir.combine(Array(shares.prefix(3)), as: MasterKeyRole.self) == key)
    }

    /// Every subset of exactly the threshold, and every larger one, recovers the key.
    @Test(arguments: [(5, 3), (3, 2), (4, 4)])
    func anySubsetOfTheThresholdWorks(count: Int, threshold: Int) throws {
        let key = MasterKey()
        let shares = try Shamir.split(key, count: count, threshold: threshold)
        for mask in 1..<(1 << count) where mask.nonzeroBitCount >= threshold {
            let subset = shares.indices.filter { mask & (1 << $0) != 0 }.map { shares[$0] }
            #expect(try Shamir.combine(subset, as: MasterKeyRole.self) == key, "subset \(mask)")
        }
    }

    @Test func fewerThanTheThresholdGiveAnotherKey() throws {
        let key = MasterKey()
        let shares = try Shamir.split(key, count: 5, threshold: 3)
        for pair in [[0, 1], [1, 4], [2, 3]] {
            #expect(try Shamir.combine(pair.map { shares[$0] }, as: MasterKeyRole.self) != key)
        }
    }

    @Test func aWrongShareGivesAnotherKey() throws {
        let key = MasterKey()
        let shares = try Shamir.split(key, count: 5, threshold: 3)
        let foreign = try Shamir.split(MasterKey(), count: 5, threshold: 3)
        #expect(try Shamir.combine([shares[0], shares[1], foreign[2]], as: MasterKeyRole.self) != key)
    }

    @Test func twoSplitsOfOneKeyDiffer() throws {
        let key = MasterKey()
        let first = try Shamir.split(key, count: 3, threshold: 2)
        let second = try Shamir.split(key, count: 3, threshold: 2)
        #expect(first[0].hex != second[0].hex)
    }

    @Test func combineRefusesARepeatedShare() throws {
        let shares = try Shamir.split(MasterKey(), count: 3, threshold: 2)
        #expect(throws: CryptoError.self) { try Shamir.combine([shares[0], shares[0]], as: MasterKeyRole.self) }
    }

    @Test(arguments: [(1, 1), (5, 1), (5, 6), (256, 3)])
    func splitRefusesImpossibleParameters(count: Int, threshold: Int) {
        #expect(throws: CryptoError.self) { try Shamir.split(MasterKey(), count: count, threshold: threshold) }
    }

    @Test func hexAndWordsRoundTrip() throws {
        let shares = try Shamir.split(MasterKey(), count: 3, threshold: 2)
        for share in shares {
            #expect(share.hex.count == KeyShare.hexDigitCount)
            #expect(share.words.count == KeyShare.wordCount)
            #expect(try KeyShare(parsing: share.hex).isSame(as: share))
            #expect(try KeyShare(parsing: share.words.joined(separator: " ")).isSame(as: share))
            #expect(try KeyShare(parsing: share.words.joined(separator: "-").uppercased()).isSame(as: share))
        }
        #expect("\(shares[0])" == "<redacted key share 1>")
    }

    @Test func aMistypedShareIsRefused() throws {
        let share = try Shamir.split(MasterKey(), count: 3, threshold: 2)[1]
        // The checksum is fixed by the share, so changing it always fails (a changed share
        // byte fails too, except with probability 2^-16 for hex and 2^-11 for words).
        var hex = Array(share.hex)
        hex[69] = hex[69] == "0" ? "1" : "0"
        #expect(throws: CryptoError.self) { try KeyShare(parsing: String(hex)) }
        var words = share.words
        words[24] = words[24] == "abandon" ? "ability" : "abandon"
        #expect(throws: CryptoError.self) { try KeyShare(parsing: words.joined(separator: " ")) }
        words[3] = "notaword"
        #expect(throws: CryptoError.self) { try KeyShare(parsing: words.joined(separator: " ")) }
        #expect(throws: CryptoError.self) { try KeyShare(parsing: "abc") }
        #expect(throws: CryptoError.self) { try KeyShare(parsing: "one two three") }
    }

    /// The shipped list is BIP-39's English list, byte for byte.
    @Test func theWordListIsBIP39English() {
        let file = KeyShare.wordList.map { $0 + "\n" }.joined()
        #expect(KeyShare.wordList.count == 2048)
        #expect(
            Hex.encode(SHA256.hash(Array(file.utf8)))
                == "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"
        )
    }
}
