import CordonCore
import CordonTestSupport
import Foundation
import Testing

/// The structured logger: levels, metadata, and the two line formats.
@Suite("Logger")
struct LoggerTests {
    /// 2026-05-01T12:00:00.125Z, exactly representable in milliseconds.
    static let date = Date(timeIntervalSince1970: 1_777_636_800.125)

    static func record(_ metadata: Logger.Metadata, message: String = "request") -> LogRecord {
        LogRecord(label: "cordon.test", level: .info, message: message, metadata: metadata, date: date)
    }

    @Test func levelsAreOrderedFromTraceToCritical() {
        let levels = Logger.Level.allCases
        #expect(levels.map(\.rawValue) == ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        #expect(zip(levels, levels.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func recordsBelowTheLevelAreDroppedWithoutBuildingTheirMessage() {
        let handler = RecordingLogHandler()
        let logger = handler.logger(level: .warning)
        var built = 0
        func message(_ text: String) -> String {
            built += 1
            return text
        }
        logger.trace(message("t"))
        logger.debug(message("d"))
        logger.info(message("i"))
        logger.notice(message("n"))
        logger.warning(message("w"))
        logger.error(message("e"))
        logger.critical(message("c"))
        #expect(handler.logged.map(\.message) == ["w", "e", "c"])
        #expect(handler.logged.map(\.level) == [.warning, .error, .critical])
        #expect(built == 3)
    }

    @Test func aRecordsMetadataJoinsTheLoggersAndWinsOnTheSameKey() {
        let handler = RecordingLogHandler()
        var logger = handler.logger().labeled("cordon.access")
        logger[metadataKey: "region"] = "eu"
        logger[metadataKey: "status"] = 0
        logger.info("request", metadata: ["status": 200])
        let record = handler.logged.first
        #expect(record?.label == "cordon.access")
        #expect(record?.metadata == ["region": "eu", "status": 200])
    }

    @Test func jsonLinesAreOneObjectWithSortedKeysBesideTheMetadata() throws {
        let line = JSONLogHandler.format(
            Self.record(["route": "/v1/subjects/{id}", "status": 200, "latency_ms": 1.5, "cached": false])
        )
        #expect(
            line
                == #"{"cached":false,"label":"cordon.test","latency_ms":1.5,"level":"info","message":"request","route":"/v1/subjects/{id}","status":200,"ts":"2026-05-01T12:00:00.125Z"}"#
        )
    }

    @Test func jsonLinesStayOneLineAndReservedKeysWin() throws {
        let line = JSONLogHandler.format(
            Self.record(
                ["level": "forged", "nested": ["a": [1, 2]], "key": .sensitive("secret-value")],
                message: "a\nb"
            )
        )
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["message"] as? String == "a\nb")
        #expect((object["nested"] as? [String: [Int]])?["a"] == [1, 2])
        #expect(object["key"] as? String == "<redacted>")
        #expect(!line.contains("secret-value"))
    }

    @Test func textLinesQuoteValuesThatWouldNotSplitBack() {
        let line = TextLogHandler.format(
            Self.record(["route": "/v1/regions", "note": "two words", "quote": #"a"b"#, "token": .sensitive("s3cret")])
        )
        #expect(
            line
                == #"2026-05-01T12:00:00.125Z info cordon.test: request note="two words" quote="a\"b" route=/v1/regions token=<redacted>"#
        )
    }

    @Test func aStreamWritesOneLinePerRecord() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-log-\(UUID().uuidString)")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        let logger = Logger(label: "cordon.test", handler: JSONLogHandler(stream: LogStream(handle)))
        logger.info("first", metadata: ["n": 1])
        logger.debug("dropped")
        logger.error("second")
        try handle.close()
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let messages = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["message"] as? String
        }
        #expect(messages == ["first", "second"])
    }
}
