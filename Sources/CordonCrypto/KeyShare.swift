/// One share of a key split with ``Shamir``: its number (1...255) and its bytes, in
/// guarded memory. It prints as `<redacted key share N>`.
///
/// As text a share is its number and bytes with a 2-byte SHA-256 checksum against typos,
/// either as 70 hex digits or as 25 words of BIP-39's English list (24 words carry the 33
/// bytes, 11 bits each; the 25th is the checksum's first 11 bits).
///
/// - Warning: ``hex`` and ``words`` put the share in Swift strings, which cannot be zeroed:
///   print them once and drop them; parse a share as soon as it arrives.
public struct KeyShare: Sendable, CustomStringConvertible {
    /// The share's number: the point its polynomials were evaluated at.
    public let number: UInt8
    let storage: SecureBytes

    init(number: UInt8, storage: SecureBytes) {
        self.number = number
        self.storage = storage
    }

    /// The word list of the text form: BIP-39's English list, 2048 words.
    public static var wordList: [String] { ShareWordList.words }

    /// Words in the text form.
    public static let wordCount = 25
    /// Hex digits in the text form.
    public static let hexDigitCount = 70

    public var description: String { "<redacted key share \(number)>" }

    /// Whether two shares hold the same number and bytes (constant-time on the bytes).
    public func isSame(as other: KeyShare) -> Bool {
        number == other.number && storage.constantTimeEquals(other.storage)
    }

    /// The share as 70 hex digits.
    public var hex: String {
        withPayload { payload in Hex.encode(payload) + Hex.encode(SHA256.hash(payload).prefix(2)) }
    }

    /// The share as 25 words.
    public var words: [String] {
        withPayload { payload in
            var indices = Self.elevenBitGroups(payload)
            indices.append(Int(SHA256.hash(payload)[0]) << 3 | Int(SHA256.hash(payload)[1]) >> 5)
            return indices.map { ShareWordList.words[$0] }
        }
    }

    /// Parses a share given as 70 hex digits or 25 words (separated by spaces, commas or
    /// hyphens; any case). The error says what is wrong without repeating the share.
    public init(parsing text: String) throws {
        let tokens = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" || $0.isNewline })
        var payload: [UInt8] = []
        defer { for index in payload.indices { payload[index] = 0 } }
        if tokens.count == 1 {
            let digits = tokens[0]
            guard digits.count == Self.hexDigitCount, var bytes = Hex.decode(digits) else {
                throw CryptoError(
                    .invalidInput,
                    "a share is \(Self.hexDigitCount) hex digits or \(Self.wordCount) words; this is \(digits.count) characters"
                        + (Hex.decode(digits) == nil ? " and not hex" : "")
                )
            }
            defer { for index in bytes.indices { bytes[index] = 0 } }
            payload = Array(bytes.prefix(33))
            guard Array(SHA256.hash(payload).prefix(2)) == Array(bytes.suffix(2)) else {
                throw CryptoError(.authenticationFailed, "the share's checksum does not match: a digit is mistyped")
            }
        } else {
            guard tokens.count == Self.wordCount else {
                throw CryptoError(
                    .invalidInput,
                    "a share is \(Self.wordCount) words or \(Self.hexDigitCount) hex digits; this is \(tokens.count) words"
                )
            }
            var indices: [Int] = []
            for (position, token) in tokens.enumerated() {
                guard let index = ShareWordList.index[String(token)] else {
                    throw CryptoError(
                        .invalidInput,
                        "word \(position + 1) of the share is not in the BIP-39 English list: check its spelling"
                    )
                }
                indices.append(index)
            }
            payload = Self.bytes(fromElevenBitGroups: indices.dropLast(), byteCount: 33)
            let digest = SHA256.hash(payload)
            guard indices.last == Int(digest[0]) << 3 | Int(digest[1]) >> 5 else {
                throw CryptoError(.authenticationFailed, "the share's checksum word does not match: a word is mistyped")
            }
        }
        guard payload[0] != 0 else {
            throw CryptoError(.invalidInput, "share number 0 does not exist (shares are numbered from 1)")
        }
        number = payload[0]
        storage = try payload.withUnsafeBytes {
            try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: $0.dropFirst()))
        }
    }

    /// Calls `body` with number ‖ bytes in a temporary array, zeroed afterwards.
    private func withPayload<R>(_ body: ([UInt8]) -> R) -> R {
        var payload = [number] + storage.withUnsafeBytes { Array($0) }
        defer { for index in payload.indices { payload[index] = 0 } }
        return body(payload)
    }

    /// Big-endian 11-bit groups of `bytes` (whose bit count must be a multiple of 11).
    static func elevenBitGroups(_ bytes: [UInt8]) -> [Int] {
        precondition(bytes.count * 8 % 11 == 0, "11-bit groups need a multiple of 11 bits")
        var groups: [Int] = []
        var accumulator = 0
        var bits = 0
        for byte in bytes {
            accumulator = accumulator << 8 | Int(byte)
            bits += 8
            while bits >= 11 {
                bits -= 11
                groups.append(accumulator >> bits & 0x7FF)
            }
            accumulator &= (1 << bits) - 1
        }
        return groups
    }

    /// The bytes of big-endian 11-bit groups.
    static func bytes(fromElevenBitGroups groups: some Sequence<Int>, byteCount: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var accumulator = 0
        var bits = 0
        for group in groups {
            accumulator = accumulator << 11 | group
            bits += 11
            while bits >= 8 {
                bits -= 8
                bytes.append(UInt8(accumulator >> bits & 0xFF))
            }
            accumulator &= (1 << bits) - 1
        }
        return Array(bytes.prefix(byteCount))
    }
}
