/// The canonical JSON writer of audit entries.
///
/// Rules (audit/FORMAT.md §2): UTF-8; object keys sorted by their UTF-8 bytes; no
/// whitespace; integers only; strings escape only `"` → `\"`, `\` → `\\` and the control
/// characters U+0000–U+001F → `\u00xx` (lowercase hex); `/` and non-ASCII are written raw.
/// Written by hand because `JSONEncoder`'s output format is not a stable contract.
struct CanonicalJSON {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func raw(_ byte: UInt8) { bytes.append(byte) }

    /// Writes `"key":` (the caller keeps keys sorted and adds commas).
    mutating func key(_ key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x00..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30])
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0f)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func integer(_ value: UInt64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func stringArray(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an object whose keys are sorted bytewise, each value written by `write`.
    mutating func object<Value>(_ dictionary: [String: Value], _ write: (inout CanonicalJSON, Value) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        for (i, key) in Self.sortedKeys(dictionary.keys).enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            self.key(key)
            write(&self, dictionary[key]!)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Keys in bytewise UTF-8 order (Swift's `String <` compares canonically-equivalent
    /// forms as equal, so it is not used here).
    static func sortedKeys(_ keys: some Collection<String>) -> [String] {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
