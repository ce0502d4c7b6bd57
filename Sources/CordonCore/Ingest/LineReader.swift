public import Foundation

/// Reads NDJSON lines from a file, stdin or a byte buffer (an HTTP request body) in bounded
/// memory: one line at a time, each at most `maximumLineBytes` (a longer line is reported,
/// skipped, and never buffered whole).
public final class LineReader {
    /// One line: its 1-based number and bytes (without the newline), or a too-long marker.
    public struct Line: Sendable {
        public var number: Int
        public var bytes: [UInt8]
        public var isTooLong: Bool
    }

    /// `nil` for an in-memory reader, whose bytes are all in `buffer` from the start.
    private let handle: FileHandle?
    private let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var lineNumber = 0
    /// Bytes consumed so far (for progress).
    public private(set) var bytesRead = 0
    /// Blank lines skipped so far (they are numbered, never delivered).
    public private(set) var blankLines = 0

    public init(handle: FileHandle, maximumLineBytes: Int = 64 * 1024) {
        self.handle = handle
        self.maximumLineBytes = maximumLineBytes
    }

    /// Reads lines from bytes already in memory, such as an HTTP request body.
    public init(bytes: [UInt8], maximumLineBytes: Int = 64 * 1024) {
        self.handle = nil
        self.maximumLineBytes = maximumLineBytes
        self.buffer = bytes
        self.atEnd = true
    }

    /// Opens `path`, or stdin for `-`.
    public convenience init(path: String, maximumLineBytes: Int = 64 * 1024) throws {
        if path == "-" {
            self.init(handle: .standardInput, maximumLineBytes: maximumLineBytes)
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw FileError(
                    message: FileManager.default.fileExists(atPath: path)
                        ? "cannot read \(path)" : "\(path) does not exist"
                )
            }
            self.init(handle: handle, maximumLineBytes: maximumLineBytes)
        }
    }

    /// The next non-blank line, or `nil` at the end of input.
    ///
    /// Blank lines (only spaces, tabs or a carriage return) are skipped in this loop and
    /// counted in ``blankLines``; they keep their place in the line numbering. Skipping is a
    /// loop, never a recursive call: a body of a million blank lines costs time, not stack.
    public func next() throws -> Line? {
        while true {
            var line: [UInt8] = []
            var tooLong = false
            var sawAnything = false
            var terminated = false
            while !terminated {
                if position == buffer.count {
                    if atEnd { break }
                    try refill()
                    if position == buffer.count { break }
                }
                sawAnything = true
                if let newline = buffer[position...].firstIndex(of: 0x0A) {
                    append(buffer[position..<newline], to: &line, tooLong: &tooLong)
                    bytesRead += newline - position + 1
                    position = newline + 1
                    terminated = true
                } else {
                    append(buffer[position...], to: &line, tooLong: &tooLong)
                    bytesRead += buffer.count - position
                    position = buffer.count
                }
            }
            guard sawAnything else { return nil }
            lineNumber += 1
            if line.last == 0x0D { line.removeLast() }
            if !tooLong && line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                blankLines += 1
                continue
            }
            return Line(number: lineNumber, bytes: tooLong ? [] : line, isTooLong: tooLong)
        }
    }

    private func append(_ slice: ArraySlice<UInt8>, to line: inout [UInt8], tooLong: inout Bool) {
        guard !tooLong else { return }
        if line.count + slice.count > maximumLineBytes {
            tooLong = true
            line = []
        } else {
            line.append(contentsOf: slice)
        }
    }

    private func refill() throws {
        guard let handle else {
            atEnd = true
            return
        }
        let data = try handle.read(upToCount: 1 << 20) ?? Data()
        buffer = [UInt8](data)
        position = 0
        if data.isEmpty { atEnd = true }
    }
}
