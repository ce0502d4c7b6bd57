import CordonStore
import Foundation
import Testing

@testable import CordonCore

/// Attribution and AB are reduced in SQL (one seek per conversion or exposure, a windowed
/// join for linear attribution, a window function for first exposures). These tests hold
/// them to a plain reading of the definitions, computed here from every subject's whole
/// journey: the same totals, ties at equal timestamps included.
@Suite("Journey reductions in SQL", .serialized)
struct AttributionReductionTests {
    private struct Event {
        var subject: Int
        var order: Int  // ingest order: the tie-break at equal timestamps
        var ts: Int64
        var event: String
        var channel: String
    }

    private static let channels = ["search", "email", "social", "display"]
    private static let kinds = ["page_view", "page_view", "product_view", "purchase"]

    /// Journeys with conversions at the window's edge, touches at the conversion's own
    /// second (before and after it in ingest order), and subjects with no touch at all.
    private func journeys(_ random: inout SeededNoiseRandomness) -> [Event] {
        var events: [Event] = []
        var order = 0
        for subject in 0..<60 {
            for _ in 0..<(1 + Int(random.uniform(below: 7) as UInt64)) {
                let day = 1 + Int64(random.uniform(below: 8) as UInt64)
                let second = Int64(random.uniform(below: 2) as UInt64)  // many equal timestamps
                let kind = Self.kinds[Int(random.uniform(below: UInt64(Self.kinds.count)) as UInt64)]
                let channel = Self.channels[Int(random.uniform(below: UInt64(Self.channels.count)) as UInt64)]
                events.append(
                    Event(subject: subject, order: order, ts: day * 86_400 + second, event: kind, channel: channel)
                )
                order += 1
            }
        }
        return events
    }

    /// Credit per channel (milli-credits) and subjects credited, straight from the definition.
    private func reference(_ events: [Event], model: AttributionModel, window: Int64) -> [[String]: [Int64]] {
        var totals: [[String]: [Int64]] = [:]
        for subject in Set(events.map(\.subject)) {
            let journey = events.filter { $0.subject == subject }.sorted { ($0.ts, $0.order) < ($1.ts, $1.order) }
            var credit: [String: Int64] = [:]
            for (index, conversion) in journey.enumerated() where conversion.event == "purchase" {
                let touches = journey[..<index].filter { $0.event != "purchase" && $0.ts >= conversion.ts - window }
                    .map(\.channel)
                guard let last = touches.last else {
                    credit["(no touch)", default: 0] += 1000
                    continue
                }
                switch model {
                case .firstTouch: credit[touches[0], default: 0] += 1000
                case .lastTouch: credit[last, default: 0] += 1000
                case .linear:
                    let share = 1000 / Int64(touches.count)
                    for touch in touches { credit[touch, default: 0] += share }
                    credit[last, default: 0] += 1000 - share * Int64(touches.count)
                }
            }
            for (channel, milli) in credit {
                var values = totals[[channel]] ?? [0, 0]
                values[0] += 1
                values[1] += milli
                totals[[channel]] = values
            }
        }
        return totals
    }

    private func line(_ event: Event) -> String {
        let ts = CivilTime.timestampLabel(1_746_057_600 + event.ts)  // days into May 2025
        let amount = event.event == "purchase" ? #","amountCents":1500"# : ""
        return
            #"{"externalId":"a-\#(event.subject)","ts":"\#(ts)","event":"\#(event.event)","channel":"\#(event.channel)","campaign":"cmp-1","device":"mobile"\#(amount),"purpose":"analytics"}"#
    }

    @Test(arguments: [AttributionModel.firstTouch, .lastTouch, .linear])
    func sqlReductionEqualsTheDefinition(model: AttributionModel) throws {
        let (fixture, events) = try loaded(seed: 41)
        let text = "SELECT ATTRIBUTION(\(model.rawValue)) OF 'purchase' BY channel WITHIN INTERVAL '3 days' FROM events"
        let totals = try exactTotals(fixture, text)
        let expected = reference(events, model: model, window: 3 * 86_400)
        #expect(totals.groups == expected)
        #expect(expected.values.map { $0[0] }.reduce(0, +) > 40)  // the data does exercise it
    }

    /// The analyst's filter applies to touches and conversions alike.
    @Test func aFilterAppliesToTouchesAndConversions() throws {
        let (fixture, events) = try loaded(seed: 43)
        let totals = try exactTotals(
            fixture,
            "SELECT ATTRIBUTION(last_touch) OF 'purchase' BY channel WITHIN INTERVAL '3 days' FROM events WHERE channel <> 'email'"
        )
        let expected = reference(events.filter { $0.channel != "email" }, model: .lastTouch, window: 3 * 86_400)
        #expect(totals.groups == expected)
    }

    /// AB from the definition: the variant of the first exposure in (ts, ingest) order; a
    /// conversion at or after it (the exposure itself included) within the window.
    private func referenceAB(_ events: [Event], variants: [String], window: Int64) -> [[String]: [Int64]] {
        var totals: [[String]: [Int64]] = [:]
        for subject in Set(events.map(\.subject)) {
            let journey = events.filter { $0.subject == subject }.sorted { ($0.ts, $0.order) < ($1.ts, $1.order) }
            guard let exposure = journey.firstIndex(where: { variants.contains($0.channel) }) else { continue }
            let start = journey[exposure].ts
            let converted = journey[exposure...].contains { $0.event == "purchase" && $0.ts <= start + window }
            var values = totals[[journey[exposure].channel]] ?? [0, 0]
            values[0] += 1
            values[1] += converted ? 1 : 0
            totals[[journey[exposure].channel]] = values
        }
        return totals
    }

    @Test func abReductionEqualsTheDefinition() throws {
        let (fixture, events) = try loaded(seed: 47)
        let totals = try exactTotals(
            fixture,
            "SELECT AB(channel, 'search', 'email') CONVERTS 'purchase' WITHIN INTERVAL '2 days' FROM events"
        )
        let expected = referenceAB(events, variants: ["search", "email"], window: 2 * 86_400)
        #expect(totals.groups == expected)
        #expect(expected.values.map { $0[1] }.reduce(0, +) > 5)  // conversions do occur
        let filtered = try exactTotals(
            fixture,
            "SELECT AB(channel, 'search', 'email') CONVERTS 'purchase' WITHIN INTERVAL '2 days' FROM events WHERE event <> 'page_view'"
        )
        #expect(
            filtered.groups
                == referenceAB(
                    events.filter { $0.event != "page_view" },
                    variants: ["search", "email"],
                    window: 2 * 86_400
                )
        )
    }

    /// A vault holding generated journeys of 60 German subjects, with bounds above anything
    /// the data reaches, so bounding does not enter the comparisons.
    private func loaded(seed: UInt64) throws -> (QueryFixture, [Event]) {
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(maxGroups: 8, maxRows: 20))
        var random = SeededNoiseRandomness(seed: seed)
        let events = journeys(&random)
        try fixture.ingest(
            subjects: (0..<60).map { VaultFixture.subject("a-\($0)", country: "DE") },
            events: events.map(line)
        )
        return (fixture, events)
    }

    private func exactTotals(_ fixture: QueryFixture, _ text: String) throws -> RegionTotals {
        // At the policy's limits (8 channels, 20 conversions), which no subject here exceeds,
        // so the bounded totals are the definition's.
        try fixture.inEURegion(text, options: QueryOptions(maxGroupsPerSubject: 8, maxRowsPerGroup: 20)) { run, db in
            guard case .shape(let shape) = run.query.computation else { throw QueryError(.invalid, "not a shape") }
            return try JourneyAggregation(
                plan: run.plan,
                query: run.query,
                shape: shape,
                sql: run.sql,
                hash: ContributionHash(k0: 1, k1: 2)
            ).run(lawful: run.lawful, in: db)
        }
    }
}
