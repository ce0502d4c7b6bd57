import CordonSystem

/// A single-pass, allocation-free check that a stored line is a canonical entry
/// (audit/FORMAT.md §2), returning its sequence number: what verification needs from each
/// line, without building an ``AuditEntry`` and re-encoding it.
///
/// It accepts exactly the lines that ``AuditEntry/decodeCanonical(_:)`` accepts (decode,
/// then require the re-encoding to be byte-identical); the tests compare the two on tables
/// of non-canonical lines and on randomly mutated ones. The grammar it walks is the writer's
/// (``AuditEntry/canonicalBytes()``): the fixed key order with the optional keys in place,
/// strings with only `\"`, `\\` and lowercase `\u00xx` for U+0000–U+001F escaped and
/// well-formed UTF-8 otherwise, integers in shortest form within Int64, object keys
/// strictly increasing by their UTF-8 bytes, and a valid `YYYY-MM-DDTHH:MM:SS.mmmZ` time.
enum CanonicalEntryChecker {
    /// The entry's sequence number when `line` (without its `\n`) is a canonical entry, else `nil`.
    static func sequence(ofCanonicalLine line: UnsafeRawBufferPointer) -> UInt64? {
        guard let base = line.baseAddress, line.count > 0 else { return nil }
        var cursor = Cursor(base.assumingMemoryBound(to: UInt8.self), count: line.count)
        return cursor.entry()
    }

    /// The sequence number when `line` is a canonical entry, else `nil`.
    static func sequence(ofCanonicalLine line: some Collection<UInt8>) -> UInt64? {
        let bytes = Array(line)
        return bytes.withUnsafeBytes { sequence(ofCanonicalLine: $0) }
    }
}

extension CanonicalEntryChecker {
    /// A read position in the line; every method consumes what it accepts and returns
    /// `false` (or `nil`) at the first byte that cannot belong to a canonical entry.
    struct Cursor {
        private var position: UnsafePointer<UInt8>
        private let end: UnsafePointer<UInt8>

        init(_ start: UnsafePointer<UInt8>, count: Int) {
            position = start
            end = start + count
        }

        private var remaining: Int { end - position }

        /// The whole entry: keys in the writer's order, optional keys present or absent.
        mutating func entry() -> UInt64? {
            guard literal("{\"action\":"), string(), literal(",\"actor\":"), string() else { return nil }
            if literal(",\"actorName\":") { guard string() else { return nil } }
            guard literal(",\"details\":"), object(allowsIntegers: true),
                literal(",\"outcome\":"),
                literal("\"ok\"") || literal("\"denied\"") || literal("\"error\"")
                    || literal("\"aborted\""),
                literal(",\"policyVersions\":"), object(allowsIntegers: false)
            else { return nil }
            if literal(",\"privacyCostMicroEpsilon\":") {
                guard integer(allowsNegative: true) != nil else { return nil }
            }
            if literal(",\"purpose\":") { guard string() else { return nil } }
            if literal(",\"query\":") { guard string() else { return nil } }
            if literal(",\"reason\":") { guard string() else { return nil } }
            guard literal(",\"regions\":"), stringArray(), literal(",\"requestId\":"), string(),
                literal(",\"role\":"), string(), literal(",\"sequence\":"),
                let sequence = integer(allowsNegative: false),
                literal(",\"subjects\":"), stringArray(), literal(",\"time\":"), time(), literal("}"),
                position == end
            else { return nil }
            return sequence
        }

        /// Consumes `text` when the line continues with exactly its bytes.
        private mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard remaining >= count else { return false }
            let expected = text.utf8Start
            for i in 0..<count where position[i] != expected[i] { return false }
            position += count
            return true
        }

        private mutating func byte(_ value: UInt8) -> Bool {
            guard position < end, position.pointee == value else { return false }
            position += 1
            return true
        }

        /// `[]` or `[S,S,...]`.
        private mutating func stringArray() -> Bool {
            guard byte(UInt8(ascii: "[")) else { return false }
            if byte(UInt8(ascii: "]")) { return true }
            repeat {
                guard string() else { return false }
            } while byte(UInt8(ascii: ","))
            return byte(UInt8(ascii: "]"))
        }

        /// `{}` or `{K:V,...}` with string values (and integers when allowed), keys strictly
        /// increasing by their UTF-8 bytes and, like the dictionary the decoder builds, no
        /// two keys equal as Swift strings (canonically equivalent Unicode).
        private mutating func object(allowsIntegers: Bool) -> Bool {
            guard byte(UInt8(ascii: "{")) else { return false }
            if byte(UInt8(ascii: "}")) { return true }
            var previous: StringSpan?
            var first: StringSpan?
            var hasNonASCIIKey = false
            repeat {
                guard let key = stringSpan(), byte(UInt8(ascii: ":")) else { return false }
                if let previous, !previous.precedes(key) { return false }
                if first == nil { first = key }
                hasNonASCIIKey = hasNonASCIIKey || key.hasNonASCII
                previous = key
                if position < end, position.pointee == UInt8(ascii: "\"") {
                    guard string() else { return false }
                } else {
                    guard allowsIntegers, integer(allowsNegative: true) != nil else { return false }
                }
            } while byte(UInt8(ascii: ","))
            guard byte(UInt8(ascii: "}")) else { return false }
            // Only non-ASCII keys can be canonically equivalent to another key (é and e + U+0301,
            // K and KELVIN SIGN); Swift's dictionary would merge them and the re-encoding differ.
            if hasNonASCIIKey, let first, !Self.keysAreDistinctStrings(from: first.start, to: position) { return false }
            return true
        }

        /// Re-walks an object's members (already checked) and compares its keys as `String`s.
        private static func keysAreDistinctStrings(
            from start: UnsafePointer<UInt8>,
            to end: UnsafePointer<UInt8>
        ) -> Bool {
            var cursor = Cursor(start - 1, count: end - start + 1)
            var seen = Set<String>()
            repeat {
                guard let key = cursor.stringSpan(), cursor.byte(UInt8(ascii: ":")) else { return false }
                guard seen.insert(String(decoding: key.decoded(), as: UTF8.self)).inserted else { return false }
                if cursor.position < cursor.end, cursor.position.pointee == UInt8(ascii: "\"") {
                    _ = cursor.string()
                } else {
                    _ = cursor.integer(allowsNegative: true)
                }
            } while cursor.byte(UInt8(ascii: ","))
            return true
        }

        /// An integer in shortest form within Int64 (`0`, `-5`, never `-0`, `01` or `+1`);
        /// returns its magnitude.
        private mutating func integer(allowsNegative: Bool) -> UInt64? {
            let negative = allowsNegative && byte(UInt8(ascii: "-"))
            guard position < end else { return nil }
            let first = position.pointee &- 0x30
            guard first <= 9 else { return nil }
            position += 1
            if first == 0 {
                // A lone 0; "-0" and leading zeros re-encode differently.
                guard !negative, position == end || position.pointee &- 0x30 > 9 else { return nil }
                return 0
            }
            var value = UInt64(first)
            let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
            while position < end {
                let digit = position.pointee &- 0x30
                guard digit <= 9 else { break }
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
                guard !overflow1, !overflow2, sum <= limit else { return nil }
                value = sum
                position += 1
            }
            return value
        }

        /// A canonical string.
        private mutating func string() -> Bool { stringSpan() != nil }

        /// A canonical string: `"`, raw well-formed UTF-8 except `"`, `\` and U+0000–U+001F,
        /// which are `\"`, `\\` and `\u00xx` (lowercase), then `"`. Returns its span.
        private mutating func stringSpan() -> StringSpan? {
            guard byte(UInt8(ascii: "\"")) else { return nil }
            let start = position
            var hasEscape = false
            var hasNonASCII = false
            while position < end {
                let b = position.pointee
                if b >= 0x20 && b < 0x80 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                    position += 1
                    continue
                }
                if b == UInt8(ascii: "\"") {
                    let span = StringSpan(start: start, end: position, hasEscape: hasEscape, hasNonASCII: hasNonASCII)
                    position += 1
                    return span
                }
                if b == UInt8(ascii: "\\") {
                    hasEscape = true
                    guard escape() else { return nil }
                    continue
                }
                guard b >= 0x80, scalar() else { return nil }
                hasNonASCII = true
            }
            return nil
        }

        /// `\"`, `\\` or `\u00` + `0`/`1` + a lowercase hex digit: the writer's only escapes.
        private mutating func escape() -> Bool {
            guard remaining >= 2 else { return false }
            let kind = position[1]
            if kind == UInt8(ascii: "\"") || kind == UInt8(ascii: "\\") {
                position += 2
                return true
            }
            guard kind == UInt8(ascii: "u"), remaining >= 6, position[2] == 0x30, position[3] == 0x30,
                position[4] == 0x30 || position[4] == 0x31,
                (0x30...0x39).contains(position[5]) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(position[5])
            else { return false }
            position += 6
            return true
        }

        /// One multi-byte UTF-8 scalar, well-formed per Unicode Table 3-7 (no overlong forms,
        /// no surrogates, nothing above U+10FFFF): what survives decoding unchanged.
        private mutating func scalar() -> Bool {
            let lead = position.pointee
            let count: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 2
            case 0xE0:
                count = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: count = 3
            case 0xED:
                count = 3
                high = 0x9F
            case 0xF0:
                count = 4
                low = 0x90
            case 0xF1...0xF3: count = 4
            case 0xF4:
                count = 4
                high = 0x8F
            default: return false
            }
            guard remaining >= count, position[1] >= low, position[1] <= high else { return false }
            for i in 2..<count where position[i] & 0xC0 != 0x80 { return false }
            position += count
            return true
        }

        /// `"YYYY-MM-DDTHH:MM:SS.mmmZ"`, a real date and time (what ``AuditTimestamp``
        /// parses and prints back identically).
        private mutating func time() -> Bool {
            guard remaining >= 26, position[0] == UInt8(ascii: "\""), position[25] == UInt8(ascii: "\"") else {
                return false
            }
            let t = position + 1
            guard t[4] == 0x2D, t[7] == 0x2D, t[10] == 0x54, t[13] == 0x3A, t[16] == 0x3A, t[19] == 0x2E, t[23] == 0x5A
            else { return false }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for i in from..<from + count {
                    let digit = t[i] &- 0x30
                    guard digit <= 9 else { return nil }
                    value = value * 10 + Int(digit)
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                let minute = number(14, 2), let second = number(17, 2), number(20, 3) != nil,
                CivilDate(year: Int64(year), month: Int64(month), day: Int64(day)) != nil, hour < 24, minute < 60,
                second < 60
            else { return false }
            position += 26
            return true
        }
    }

    /// The bytes between a canonical string's quotes.
    struct StringSpan {
        let start: UnsafePointer<UInt8>
        let end: UnsafePointer<UInt8>
        let hasEscape: Bool
        let hasNonASCII: Bool

        /// Whether `self` sorts strictly before `other` by decoded UTF-8 bytes (the writer's
        /// key order). Without escapes the raw bytes are the decoded ones.
        func precedes(_ other: StringSpan) -> Bool {
            if !hasEscape && !other.hasEscape {
                let common = min(end - start, other.end - other.start)
                for i in 0..<common where start[i] != other.start[i] { return start[i] < other.start[i] }
                return end - start < other.end - other.start
            }
            return decoded().lexicographicallyPrecedes(other.decoded())
        }

        /// The string's UTF-8 bytes with its (canonical) escapes undone.
        func decoded() -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(end - start)
            var p = start
            while p < end {
                guard p.pointee == UInt8(ascii: "\\") else {
                    bytes.append(p.pointee)
                    p += 1
                    continue
                }
                if p[1] == UInt8(ascii: "u") {
                    let hex = { (digit: UInt8) in digit <= 0x39 ? digit - 0x30 : digit - UInt8(ascii: "a") + 10 }
                    bytes.append(hex(p[4]) << 4 | hex(p[5]))
                    p += 6
                } else {
                    bytes.append(p[1])
                    p += 2
                }
            }
            return bytes
        }
    }
}
