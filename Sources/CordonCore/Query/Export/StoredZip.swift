/// A ZIP archive whose entries are stored, not compressed (method 0): enough for an Office
/// Open XML workbook, with no zlib.
///
/// Follows PKWARE's APPNOTE 6.3: a local file header and the data per entry, then the
/// central directory and its end record. Every entry carries its CRC-32; times are the
/// DOS epoch (1980-01-01 00:00), so the same content always gives the same bytes.
///
/// ```swift
/// var zip = StoredZip()
/// zip.add("hello.txt", Array("hello".utf8))
/// let bytes = zip.archive()
/// ```
public struct StoredZip: Sendable {
    private struct Entry {
        var name: [UInt8]
        var crc: UInt32
        var size: UInt32
        var offset: UInt32
    }

    private var entries: [Entry] = []
    private var body: [UInt8] = []

    public init() {}

    /// Appends a file. Names are ASCII paths with `/` separators; files stay well below 4 GiB
    /// (no ZIP64), which an answer of at most a few thousand rows always is.
    public mutating func add(_ name: String, _ data: [UInt8]) {
        let entry = Entry(
            name: Array(name.utf8),
            crc: CRC32.checksum(data),
            size: UInt32(data.count),
            offset: UInt32(body.count)
        )
        Self.append32(0x0403_4B50, to: &body)  // local file header signature
        Self.append16(20, to: &body)  // version needed: 2.0
        Self.appendCommon(entry, to: &body)
        Self.append16(0, to: &body)  // extra field length
        body += entry.name
        body += data
        entries.append(entry)
    }

    /// The whole archive: the entries, the central directory and its end record.
    public func archive() -> [UInt8] {
        var bytes = body
        let directoryOffset = UInt32(bytes.count)
        for entry in entries {
            Self.append32(0x0201_4B50, to: &bytes)  // central directory header signature
            Self.append16(20, to: &bytes)  // version made by: 2.0, MS-DOS attributes
            Self.append16(20, to: &bytes)  // version needed: 2.0
            Self.appendCommon(entry, to: &bytes)
            Self.append16(0, to: &bytes)  // extra field length
            Self.append16(0, to: &bytes)  // comment length
            Self.append16(0, to: &bytes)  // disk number start
            Self.append16(0, to: &bytes)  // internal attributes
            Self.append32(0, to: &bytes)  // external attributes
            Self.append32(entry.offset, to: &bytes)
            bytes += entry.name
        }
        let directorySize = UInt32(bytes.count) - directoryOffset
        Self.append32(0x0605_4B50, to: &bytes)  // end of central directory signature
        Self.append16(0, to: &bytes)  // this disk
        Self.append16(0, to: &bytes)  // disk with the directory
        Self.append16(UInt16(entries.count), to: &bytes)
        Self.append16(UInt16(entries.count), to: &bytes)
        Self.append32(directorySize, to: &bytes)
        Self.append32(directoryOffset, to: &bytes)
        Self.append16(0, to: &bytes)  // comment length
        return bytes
    }

    /// The fields local and central headers share, from "general purpose flag" to "name length".
    private static func appendCommon(_ entry: Entry, to bytes: inout [UInt8]) {
        append16(0, to: &bytes)  // flags
        append16(0, to: &bytes)  // method: stored
        append16(0, to: &bytes)  // time 00:00:00
        append16(0x21, to: &bytes)  // date 1980-01-01
        append32(entry.crc, to: &bytes)
        append32(entry.size, to: &bytes)  // compressed size
        append32(entry.size, to: &bytes)  // uncompressed size
        append16(UInt16(entry.name.count), to: &bytes)
    }

    private static func append16(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    private static func append32(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }
}
