import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore
@testable import CordonDemoData

/// Demo files generated in memory, with the generator's own summary.
struct DemoSample: Sendable {
    var subjects: [UInt8]
    var events: [UInt8]
    var summary: DemoDataSummary

    init(seed: UInt64, subjects subjectCount: Int, events eventCount: Int, invalidRate: Double) throws {
        let generator = try DemoDataGenerator(
            configuration: ConfigurationFixture.shipped,
            seed: seed,
            options: DemoDataOptions(subjectCount: subjectCount, eventCount: eventCount, invalidRate: invalidRate)
        )
        var subjectBuffer = DemoDataBuffer()
        var eventBuffer = DemoDataBuffer()
        let subjectSummary = try generator.writeSubjects(to: &subjectBuffer)
        let eventSummary = try generator.writeEvents(to: &eventBuffer)
        subjects = subjectBuffer.bytes
        events = eventBuffer.bytes
        summary = DemoDataSummary(seed: seed, invalidRate: invalidRate, subjects: subjectSummary, events: eventSummary)
    }

    var subjectLines: [Substring] { Self.lines(subjects) }
    var eventLines: [Substring] { Self.lines(events) }

    private static func lines(_ bytes: [UInt8]) -> [Substring] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    }

    /// A run of moderate size with 5 % invalid lines, shared by the tests that only read it.
    static let standard: DemoSample = {
        do {
            return try DemoSample(seed: 20_251_125, subjects: 2000, events: 10_000, invalidRate: 0.05)
        } catch {
            fatalError("the standard demo sample fails: \(error)")
        }
    }()
}

@Suite("DemoDataGenerator")
struct DemoDataGeneratorTests {
    @Test func sameSeedGivesIdenticalBytes() throws {
        let first = try DemoSample(seed: 7, subjects: 300, events: 3000, invalidRate: 0.02)
        let second = try DemoSample(seed: 7, subjects: 300, events: 3000, invalidRate: 0.02)
        #expect(first.subjects == second.subjects)
        #expect(first.events == second.events)
        #expect(first.summary == second.summary)
    }

    @Test func differentSeedGivesDifferentBytes() throws {
        let first = try DemoSample(seed: 7, subjects: 300, events: 3000, invalidRate: 0.02)
        let second = try DemoSample(seed: 8, subjects: 300, events: 3000, invalidRate: 0.02)
        #expect(first.subjects != second.subjects)
        #expect(first.events != second.events)
    }

    @Test func writesExactlyTheRequestedLineCounts() {
        let sample = DemoSample.standard
        #expect(sample.subjectLines.count == 2000)
        #expect(sample.eventLines.count == 10_000)
        #expect(sample.summary.subjects.lines == 2000)
        #expect(sample.summary.events.lines == 10_000)
    }

    @Test func everyLineIsValidOrHasTheDefectTheSummaryCounts() {
        let sample = DemoSample.standard
        var validator = DemoDataLineValidator(configuration: ConfigurationFixture.shipped)
        var subjectDefects: [String: Int] = [:]
        var validSubjects: Set<String> = []
        for line in sample.subjectLines {
            if let defect = validator.classifySubject(line) {
                subjectDefects[defect.rawValue, default: 0] += 1
            } else if let id = Self.externalId(in: line) {
                validSubjects.insert(id)
            }
        }
        var eventDefects: [String: Int] = [:]
        for line in sample.eventLines {
            if let defect = validator.classifyEvent(line, subjects: validSubjects) {
                eventDefects[defect.rawValue, default: 0] += 1
            }
        }
        #expect(validator.problems.isEmpty, "\(validator.problems.prefix(5))")
        #expect(subjectDefects == sample.summary.subjects.invalid)
        #expect(eventDefects == sample.summary.events.invalid)
        #expect(validSubjects.count == sample.summary.subjects.valid)
        // Every kind of defect occurs: each file exercises each rejection it can have.
        #expect(Set(subjectDefects.keys) == Set(DemoDataDefect.subjectWeights.map(\.0.rawValue)))
        #expect(Set(eventDefects.keys) == Set(DemoDataDefect.eventWeights.map(\.0.rawValue)))
    }

    @Test func invalidShareIsRoughlyTheRequestedRate() {
        let summary = DemoSample.standard.summary
        let subjectShare = Double(summary.subjects.invalidLines) / Double(summary.subjects.lines)
        let eventShare = Double(summary.events.invalidLines) / Double(summary.events.lines)
        #expect((0.035...0.065).contains(subjectShare))
        #expect((0.04...0.06).contains(eventShare))
    }

    @Test func zeroInvalidRateWritesOnlyValidLines() throws {
        let sample = try DemoSample(seed: 3, subjects: 200, events: 2000, invalidRate: 0)
        var validator = DemoDataLineValidator(configuration: ConfigurationFixture.shipped)
        let subjects = Set(sample.subjectLines.compactMap { Self.externalId(in: $0) })
        var defects: [DemoDataDefect] = []
        for line in sample.subjectLines { defects += [validator.classifySubject(line)].compactMap { $0 } }
        for line in sample.eventLines {
            defects += [validator.classifyEvent(line, subjects: subjects)].compactMap { $0 }
        }
        #expect(defects.isEmpty)
        #expect(validator.problems.isEmpty, "\(validator.problems.prefix(5))")
        #expect(sample.summary.subjects.invalid.isEmpty && sample.summary.events.invalid.isEmpty)
    }

    @Test func validLinesUseEveryDeclaredFieldAndNothingElse() throws {
        let sample = DemoSample.standard
        let catalog = ConfigurationFixture.shipped.catalog
        var subjectFields: Set<String> = []
        var eventFields: Set<String> = []
        var validator = DemoDataLineValidator(configuration: ConfigurationFixture.shipped)
        for line in sample.subjectLines where validator.classifySubject(line) == nil {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            subjectFields.formUnion(object.keys.filter { !["pii", "consents", "signals"].contains($0) })
            subjectFields.formUnion((object["pii"] as? [String: Any] ?? [:]).keys)
        }
        let subjects = Set(sample.subjectLines.compactMap { Self.externalId(in: $0) })
        var eventTypes: Set<String> = []
        for line in sample.eventLines where validator.classifyEvent(line, subjects: subjects) == nil {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            eventFields.formUnion(object.keys)
            eventTypes.insert(try #require(object["event"] as? String))
        }
        #expect(subjectFields == Set(catalog.subjectFields.map(\.name)))
        #expect(eventFields == Set(catalog.eventFields.map(\.name)))
        #expect(eventTypes == Set(catalog.eventField(named: "event")?.values ?? []))
    }

    @Test func validSubjectsLiveInTheRegionOfTheirCountry() throws {
        let sample = DemoSample.standard
        let configuration = ConfigurationFixture.shipped
        var validator = DemoDataLineValidator(configuration: configuration)
        var regions: [String: Int] = [:]
        for line in sample.subjectLines where validator.classifySubject(line) == nil {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let country = try #require(object["country"] as? String)
            let region = try #require(configuration.region(ofCountry: country))
            regions[region.id.rawValue, default: 0] += 1
        }
        #expect(regions == sample.summary.subjects.regions)
        #expect(Set(regions.keys) == Set(configuration.regions.keys.map(\.rawValue)))
    }

    @Test func someSubjectsAreMinorsAndSomeSendGPC() throws {
        let sample = DemoSample.standard
        let configuration = ConfigurationFixture.shipped
        var validator = DemoDataLineValidator(configuration: configuration)
        var minors = 0
        var gpc = 0
        for line in sample.subjectLines where validator.classifySubject(line) == nil {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let code = try #require(object["country"] as? String)
            let country = try #require(CountryCode(rawValue: code))
            let region = try #require(configuration.region(of: country))
            if let birthYear = object["birthYear"] as? Int,
                configuration.policy(for: region.id).minimumAge.requiresGuardianConsent(
                    age: 2025 - birthYear,
                    country: country
                )
            {
                minors += 1
            }
            if (object["signals"] as? [String: Any])?["gpc"] as? Bool == true { gpc += 1 }
        }
        #expect(minors > 0 && minors == sample.summary.subjects.minors)
        #expect(gpc > 0 && gpc == sample.summary.subjects.gpc)
    }

    @Test func consentRatesFollowEachRegionsModel() throws {
        let consents = DemoSample.standard.summary.subjects.consents
        let euAnalytics = try #require(consents["eu"]?["analytics"])
        let usAnalytics = try #require(consents["us"]?["analytics"])
        let cnSale = try #require(consents["cn"]?["sale_or_share"])
        let usSale = try #require(consents["us"]?["sale_or_share"])
        #expect((0.68...0.85).contains(euAnalytics.grantedRate))  // most consent, some withdraw
        #expect(euAnalytics.withdrawn > 0)
        #expect(usAnalytics.granted + usAnalytics.withdrawn + usAnalytics.objected == 0)  // CCPA: not_required
        #expect(cnSale.grantedRate < 0.06)  // PIPL separate consent: rare
        #expect(usSale.objected > 0)  // CCPA opt-out via "Do Not Sell or Share"
        for region in consents.values {
            #expect(region["order_fulfillment"]?.granted == 0)
        }
    }

    @Test func eventsAreGroupedBySubjectInTimeOrder() throws {
        let sample = try DemoSample(seed: 5, subjects: 300, events: 4000, invalidRate: 0)
        var previous: (number: Int, ts: String) = (0, "")
        for line in sample.eventLines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let externalId = try #require(object["externalId"] as? String)
            let number = try #require(Int(externalId.dropFirst(2)))
            let ts = try #require(object["ts"] as? String)
            #expect(number > previous.number || (number == previous.number && ts >= previous.ts))
            previous = (number, ts)
        }
    }

    @Test func purchasesAndRefundsCarryAmountsInsideTheCatalogBounds() throws {
        let sample = try DemoSample(seed: 9, subjects: 500, events: 20_000, invalidRate: 0)
        var amounts: [Int] = []
        for line in sample.eventLines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let amount = object["amountCents"] as? Int { amounts.append(amount) }
        }
        #expect(amounts.count > 50)
        #expect(amounts.allSatisfy { (100...100_000).contains($0) })
        let median = amounts.sorted()[amounts.count / 2]
        #expect((2500...7000).contains(median))
    }

    @Test func generateWritesTheSameBytesToFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "cordon-demo-\(UUID().uuidString)/out")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let generator = try DemoDataGenerator(
            configuration: ConfigurationFixture.shipped,
            seed: 7,
            options: DemoDataOptions(subjectCount: 300, eventCount: 3000, invalidRate: 0.02)
        )
        var reports: [DemoDataProgress] = []
        let summary = try generator.generate(into: directory) { reports.append($0) }
        let sample = try DemoSample(seed: 7, subjects: 300, events: 3000, invalidRate: 0.02)
        #expect(try [UInt8](Data(contentsOf: directory.appending(path: "subjects.ndjson"))) == sample.subjects)
        #expect(try [UInt8](Data(contentsOf: directory.appending(path: "events.ndjson"))) == sample.events)
        #expect(summary == sample.summary)
        #expect(
            reports.filter { $0.phase == .subjects }.map(\.linesWritten)
                == Array(stride(from: 30, through: 300, by: 30))
        )
        #expect(reports.last == DemoDataProgress(phase: .events, linesWritten: 3000, totalLines: 3000))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(leftovers == ["events.ndjson", "subjects.ndjson"])
    }

    @Test func everySubjectInvalidLeavesOnlyUnknownSubjectEvents() throws {
        let sample = try DemoSample(seed: 1, subjects: 3, events: 50, invalidRate: 1)
        #expect(sample.summary.subjects.valid == 0)
        #expect(sample.summary.events.lines == 50)
        #expect(sample.summary.events.invalid == ["unknown_subject": 50])
    }

    @Test(arguments: [
        DemoDataOptions(subjectCount: -1, eventCount: 0), DemoDataOptions(subjectCount: 1, eventCount: -5),
        DemoDataOptions(subjectCount: 0, eventCount: 10), DemoDataOptions(invalidRate: 1.5),
        DemoDataOptions(invalidRate: .nan),
    ])
    func rejectsOptionsOutOfRange(_ options: DemoDataOptions) {
        #expect(throws: DemoDataError.self) {
            try DemoDataGenerator(configuration: ConfigurationFixture.shipped, seed: 1, options: options)
        }
    }

    static func externalId(in line: Substring) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["externalId"] as? String
    }
}
