import Foundation
import Testing

@testable import CordonCore

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Answer export (CSV, XLSX)")
struct AnswerExportTests {
    static let hostile = #"=HYPERLINK("http://evil.example","click")"#

    /// A small answer: a text dimension (one hostile label, one with a comma and a quote),
    /// a count that can be negative after noise, an average with decimals.
    static func answer(rows: [[AnswerCell]]? = nil) -> QueryAnswer {
        QueryAnswer(
            query: "SELECT campaign, COUNT(*) AS events, AVG(amount) FROM events GROUP BY campaign",
            purpose: "analytics",
            analyst: "ana",
            columns: ["campaign", "events", "AVG(amount)"],
            rows: rows ?? [
                [
                    .text(hostile), .number(NoisyValue(value: 12, low: -3, high: 27)),
                    .number(NoisyValue(value: 10.5, low: 2.25, high: 18.75)),
                ],
                [
                    .text(#"spring, "big" sale"#), .number(NoisyValue(value: -2, low: -17, high: 13)),
                    .text(""),
                ],
                [.text("-42 + tab\tinside"), .number(NoisyValue(value: 40, low: 25, high: 55)), .text("")],
            ],
            suppressedGroups: NoisyValue(value: 3, low: 0, high: 9),
            privacy: QueryAnswer.Privacy(
                mechanism: .laplace,
                confidenceLevel: 0.95,
                cached: false,
                epsilonSpent: ["eu": "1", "us": "0.5"],
                budgetRemaining: ["eu": "9", "us": "9.5"],
                budgetResetsAt: ["eu": "2026-01-01T00:00:00Z", "us": "2026-01-01T00:00:00Z"],
                policyVersions: ["eu": "1.0.0", "us": "1.0.0"],
                regions: [],
                releasedAt: "2026-12-05T05:00:00Z"
            )
        )
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test func csvHasPrivacyCommentsThenHeaderWithIntervalColumns() {
        let lines = AnswerExport.csv(Self.answer()).components(separatedBy: "\r\n")
        #expect(lines.last == "")
        #expect(
            lines.contains("# query: SELECT campaign, COUNT(*) AS events, AVG(amount) FROM events GROUP BY campaign")
        )
        #expect(lines.contains("# epsilon spent: eu=1 us=0.5"))
        #expect(lines.contains("# confidence: 0.95"))
        #expect(lines.contains("# mechanism: discrete laplace"))
        #expect(lines.contains("# suppressed groups: 3 [0, 9]"))
        #expect(lines.contains("# released at: 2026-12-05T05:00:00Z"))
        let header = lines.first { !$0.hasPrefix("#") }
        #expect(header == "campaign,events,events_low,events_high,AVG(amount),AVG(amount)_low,AVG(amount)_high")
        #expect(lines.filter { !$0.hasPrefix("#") && !$0.isEmpty }.count == 4)
    }

    @Test func csvNeutralizesFormulasAndQuotesPerRFC4180() {
        let lines = AnswerExport.csv(Self.answer()).components(separatedBy: "\r\n").filter {
            !$0.hasPrefix("#") && !$0.isEmpty
        }
        // The hostile label starts with ', so a spreadsheet shows it as text; it holds
        // quotes and a comma, so it is quoted with its quotes doubled.
        #expect(lines[1] == #""'=HYPERLINK(""http://evil.example"",""click"")",12,-3,27,10.5,2.25,18.75"#)
        // Negative numbers Cordon wrote stay numbers; an empty statistic leaves its bounds empty.
        #expect(lines[2] == #""spring, ""big"" sale",-2,-17,13,,,"#)
        #expect(lines[3] == "'-42 + tab\tinside,40,25,55,,,")
    }

    @Test(arguments: ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
    func everyFormulaLeadIsGuarded(_ text: String) {
        #expect(AnswerExport.guarded(text) == "'" + text)
    }

    @Test(arguments: ["DE", "search", "1=1", " =x", ""])
    func ordinaryTextIsLeftAlone(_ text: String) {
        #expect(AnswerExport.guarded(text) == text)
    }

    @Test func anAnswerWithoutRowsHasOnlyTheColumns() {
        let csv = AnswerExport.csv(Self.answer(rows: []))
        #expect(csv.hasSuffix("\r\ncampaign,events,AVG(amount)\r\n"))
    }

    @Test func xlsxIsAValidStoredZipWithWellFormedParts() throws {
        let bytes = AnswerExport.xlsx(Self.answer())
        let entries = try ZipReader.entries(bytes)
        #expect(
            entries.map(\.name) == [
                "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
            ]
        )
        for entry in entries {
            let parser = XMLParser(data: Data(entry.data))
            #expect(parser.parse(), "\(entry.name) is not well-formed: \(String(describing: parser.parserError))")
        }
        let sheet = String(
            decoding: try #require(entries.first { $0.name == "xl/worksheets/sheet1.xml" }).data,
            as: UTF8.self
        )
        // Inline strings are never formulas: the label is kept as is, escaped for XML.
        #expect(
            sheet.contains(
                #"<t xml:space="preserve">=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)</t>"#
            )
        )
        #expect(sheet.contains(#"<c r="B2"><v>12</v></c><c r="C2"><v>-3</v></c><c r="D2"><v>27</v></c>"#))
        #expect(sheet.contains(#"<c r="G1" t="inlineStr"><is><t xml:space="preserve">AVG(amount)_high</t>"#))
        let privacy = String(
            decoding: try #require(entries.first { $0.name == "xl/worksheets/sheet2.xml" }).data,
            as: UTF8.self
        )
        #expect(privacy.contains("eu=1 us=0.5"))
        #expect(privacy.contains("2026-12-05T05:00:00Z"))
    }

    @Test func xlsxOpensWithPythonsZipfileWhenAvailable() throws {
        guard
            let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(
                where: FileManager.default.isExecutableFile
            )
        else { return }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("answer-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(AnswerExport.xlsx(Self.answer())).write(to: url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.namelist()))",
            url.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "6\n")
    }

    @Test func xmlTextDropsCharactersXMLForbids() {
        #expect(AnswerExport.escaped("a\u{1}b<&>") == "a\u{FFFD}b&lt;&amp;&gt;")
    }

    @Test(arguments: [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")])
    func columnNames(_ index: Int, _ name: String) {
        #expect(AnswerExport.columnName(index) == name)
    }
}

/// Reads a ZIP back through its central directory (APPNOTE 6.3), checking every local
/// header against it and every entry's CRC-32 against its data.
enum ZipReader {
    struct Entry {
        var name: String
        var data: [UInt8]
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func entries(_ bytes: [UInt8]) throws -> [Entry] {
        func u16(_ at: Int) throws -> Int {
            guard at + 2 <= bytes.count else { throw Malformed(description: "truncated at \(at)") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int {
            let low = try u16(at)
            let high = try u16(at + 2)
            return low | high << 16
        }
        let end = bytes.count - 22
        guard end >= 0, try u32(end) == 0x0605_4B50 else { throw Malformed(description: "no end record") }
        let count = try u16(end + 10)
        guard try u16(end + 8) == count else { throw Malformed(description: "entry counts differ") }
        let directorySize = try u32(end + 12)
        var offset = try u32(end + 16)
        guard offset + directorySize == end else {
            throw Malformed(description: "directory does not end at the end record")
        }
        var entries: [Entry] = []
        for _ in 0..<count {
            guard try u32(offset) == 0x0201_4B50 else { throw Malformed(description: "bad central header") }
            let method = try u16(offset + 10)
            let crc = try u32(offset + 16)
            let compressed = try u32(offset + 20)
            let size = try u32(offset + 24)
            let nameLength = try u16(offset + 28)
            let extra = try u16(offset + 30)
            let comment = try u16(offset + 32)
            let local = try u32(offset + 42)
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            guard method == 0, compressed == size else { throw Malformed(description: "\(name) is not stored") }
            guard try u32(local) == 0x0403_4B50, try u32(local + 14) == crc, try u16(local + 26) == nameLength else {
                throw Malformed(description: "\(name): local header disagrees with the directory")
            }
            let start = local + 30 + nameLength + (try u16(local + 28))
            guard start + size <= bytes.count else { throw Malformed(description: "\(name) is truncated") }
            let data = Array(bytes[start..<(start + size)])
            guard CRC32.checksum(data) == UInt32(crc) else { throw Malformed(description: "\(name): CRC mismatch") }
            entries.append(Entry(name: name, data: data))
            offset += 46 + nameLength + extra + comment
        }
        return entries
    }
}
