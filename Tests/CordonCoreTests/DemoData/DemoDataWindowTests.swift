import Foundation
import Testing

@testable import CordonCore
@testable import CordonDemoData

@Suite("DemoData window")
struct DemoDataWindowTests {
    @Test func everyEventFallsInTheYearEndingAtTheWindowEnd() throws {
        let end = Int64(Timestamp.parse("2026-11-25T00:00:00Z")!.timeIntervalSince1970)
        let generator = try DemoDataGenerator(
            configuration: ConfigurationFixture.shipped,
            seed: 9,
            options: DemoDataOptions(subjectCount: 200, eventCount: 2000, invalidRate: 0, windowEnd: end)
        )
        var subjects = DemoDataBuffer()
        var events = DemoDataBuffer()
        _ = try generator.writeSubjects(to: &subjects)
        _ = try generator.writeEvents(to: &events)
        let times = String(decoding: events.bytes, as: UTF8.self).split(separator: "\n").compactMap { line -> Int64? in
            guard let range = line.range(of: #""ts":""#) else { return nil }
            let text = line[range.upperBound...].prefix(20)
            return Timestamp.parse(String(text)).map { Int64($0.timeIntervalSince1970) }
        }
        #expect(times.count == 2000)
        #expect(times.allSatisfy { (end - 365 * 86_400)...end ~= $0 })
        #expect(times.contains { $0 > end - 30 * 86_400 }, "the window reaches up to its end")
    }
}
