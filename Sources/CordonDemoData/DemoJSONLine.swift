import CordonCore
import CordonSystem

/// One NDJSON line built by hand: keys stay in the order written (so files read like the
/// issue's examples and are byte-stable), strings are escaped per RFC 8259 § 7, and no
/// Foundation encoder sits in the hot loop.
struct DemoJSONLine {
    /// The line so far.
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init() { bytes.reserveCapacity(1024) }

    /// Starts a new line, keeping the allocated capacity.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes `"name":`; the value comes next.
    mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    mutating func integer(_ value: Int) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, width: 1)
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    /// An RFC 3339 UTC timestamp with whole seconds, e.g. `"2025-03-01T10:05:00Z"`.
    mutating func timestamp(_ secondsSinceEpoch: Int64) {
        separate()
        let (date, second) = UTCTime(secondsSince1970: secondsSinceEpoch).civil
        let (year, month, day, secondOfDay) = (date.year, date.month, date.day, Int(second))
        bytes.append(UInt8(ascii: "\""))
        appendDigits(UInt(year), width: 4)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt(month), width: 2)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt(day), width: 2)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(UInt(secondOfDay / 3600), width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(UInt(secondOfDay / 60 % 60), width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(UInt(secondOfDay % 60), width: 2)
        bytes.append(contentsOf: "Z\"".utf8)
        needsComma = true
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: Int) {
        key(name)
        integer(value)
    }

    /// Ends the line with `\n`.
    mutating func endLine() { bytes.append(UInt8(ascii: "\n")) }

    /// Cuts the line to its first `count` bytes (a torn write).
    mutating func truncate(to count: Int) { bytes.removeSubrange(count...) }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        needsComma = true
    }

    /// Appends `value` in decimal, left-padded with zeros to `width` digits.
    private mutating func appendDigits(_ value: UInt, width: Int) {
        var divisor: UInt = 1
        var length = 1
        while divisor <= value / 10 {
            divisor *= 10
            length += 1
        }
        for _ in length..<max(length, width) { bytes.append(UInt8(ascii: "0")) }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
