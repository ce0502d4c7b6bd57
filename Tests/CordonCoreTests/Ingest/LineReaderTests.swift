import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("LineReader")
struct LineReaderTests {
    /// Every line the reader delivers, with its number.
    static func lines(_ text: String) throws -> [(Int, String)] {
        let reader = LineReader(bytes: Array(text.utf8))
        var lines: [(Int, String)] = []
        while let line = try reader.next() { lines.append((line.number, String(decoding: line.bytes, as: UTF8.self))) }
        return lines
    }

    @Test("blank lines are skipped but keep their numbers; CRLF and a missing final newline are fine")
    func numbering() throws {
        let lines = try Self.lines("a\n\n  \t\r\nb\r\n\nc")
        #expect(lines.map(\.0) == [1, 4, 6] && lines.map(\.1) == ["a", "b", "c"])
        #expect(try Self.lines("").isEmpty && Self.lines("\n\n").isEmpty)
    }

    @Test("200,000 blank lines are skipped in a loop (this recursed once per line and overflowed the stack)")
    func manyBlankLines() throws {
        let reader = LineReader(bytes: Array(String(repeating: "\n", count: 200_000).utf8) + Array("{}\n".utf8))
        let line = try #require(try reader.next())
        #expect(line.number == 200_001 && line.bytes == Array("{}".utf8))
        #expect(try reader.next() == nil)
        #expect(reader.blankLines == 200_000)
    }

    @Test("blank lines read from a file are skipped in a loop too")
    func manyBlankLinesFromAFile() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("blank.ndjson")
        try Data(String(repeating: " \r\n", count: 200_000).utf8).write(to: url)
        let reader = try LineReader(path: url.path)
        #expect(try reader.next() == nil)
        #expect(reader.blankLines == 200_000)
    }

    @Test("a line over the limit is reported as too long, never buffered")
    func tooLong() throws {
        let reader = LineReader(bytes: Array((String(repeating: "x", count: 100) + "\nok").utf8), maximumLineBytes: 10)
        let first = try #require(try reader.next())
        #expect(first.isTooLong && first.bytes.isEmpty)
        #expect(try reader.next()?.bytes == Array("ok".utf8))
    }
}
