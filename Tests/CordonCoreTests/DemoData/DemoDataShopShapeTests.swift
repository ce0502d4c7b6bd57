import Foundation
import Testing

@testable import CordonCore
@testable import CordonDemoData

/// The demo shop looks like a shop: funnels that narrow, a November peak, channels and an
/// A/B pair whose arm b converts better, marketing email only for people who agreed to it.
@Suite("DemoData shop shape")
struct DemoDataShopShapeTests {
    /// Valid event lines of one sample, decoded.
    struct Event: Sendable {
        var externalId: String
        var ts: String
        var event: String
        var channel: String?
        var campaign: String?
    }

    /// 1,000 customers at the demo shop's 30 events each, no invalid lines.
    /// Valid subject lines of the sample: who the shop may send marketing email.
    struct Subject: Sendable {
        var externalId: String
        var receivesEmail: Bool
    }

    static let sample: (subjects: [Subject], events: [Event]) = {
        do {
            let sample = try DemoSample(
                seed: 42,
                subjects: 1000,
                events: 1000 * DemoDataOptions.shopEventsPerSubject,
                invalidRate: 0
            )
            let subjects = try sample.subjectLines.map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                let records = object["consents"] as? [[String: Any]] ?? []
                let last = records.last { $0["purpose"] as? String == "marketing_email" }
                return Subject(
                    externalId: object["externalId"] as? String ?? "",
                    receivesEmail: last?["state"] as? String == "granted"
                )
            }
            let events = try sample.eventLines.map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                return Event(
                    externalId: object["externalId"] as? String ?? "",
                    ts: object["ts"] as? String ?? "",
                    event: object["event"] as? String ?? "",
                    channel: object["channel"] as? String,
                    campaign: object["campaign"] as? String
                )
            }
            return (subjects, events)
        } catch {
            fatalError("the shop sample fails: \(error)")
        }
    }()

    @Test func theFunnelNarrowsAtEveryStep() {
        var counts: [String: Int] = [:]
        for event in Self.sample.events { counts[event.event, default: 0] += 1 }
        let steps = ["page_view", "add_to_cart", "begin_checkout", "purchase"].map { counts[$0] ?? 0 }
        #expect(zip(steps, steps.dropFirst()).allSatisfy { $0 > $1 }, "\(steps)")
        // About one visit in nine converts: purchases are 2-8 % of all events.
        let share = Double(counts["purchase"] ?? 0) / Double(Self.sample.events.count)
        #expect((0.02...0.08).contains(share), "purchase share \(share)")
        #expect((counts["refund"] ?? 0) > 0 && (counts["ad_click"] ?? 0) > 0 && (counts["email_open"] ?? 0) > 0)
    }

    @Test func novemberOutsellsFebruary() {
        var purchases: [String: Int] = [:]
        for event in Self.sample.events where event.event == "purchase" {
            purchases[String(event.ts.dropFirst(5).prefix(2)), default: 0] += 1
        }
        let november = purchases["11"] ?? 0
        let february = purchases["02"] ?? 0
        #expect(november > february * 3 / 2, "November \(november), February \(february)")
    }

    @Test func channelsAndTheABPairAppear() {
        let channels = Set(Self.sample.events.compactMap(\.channel))
        #expect(channels == Set(DemoChannel.allCases.map(\.rawValue)))
        let campaigns = Set(Self.sample.events.compactMap(\.campaign))
        #expect(campaigns.isSuperset(of: ["cmp-a", "cmp-b", "cmp-1"]))
        // Each customer sees one arm only.
        var arms: [String: Set<String>] = [:]
        for event in Self.sample.events where event.campaign == "cmp-a" || event.campaign == "cmp-b" {
            arms[event.externalId, default: []].insert(event.campaign!)
        }
        #expect(arms.values.allSatisfy { $0.count == 1 })
    }

    @Test func marketingEmailReachesOnlyPeopleWhoAgreed() {
        let receivers = Set(Self.sample.subjects.filter(\.receivesEmail).map(\.externalId))
        let opened = Set(Self.sample.events.filter { $0.event == "email_open" }.map(\.externalId))
        #expect(!opened.isEmpty)
        #expect(opened.isSubset(of: receivers))
    }

    @Test func blackFridayIsTheBusiestDayOfItsMonth() {
        // 2026-11-27 is a Friday, the day after the fourth Thursday; 2026-11-20 a week before.
        let blackFriday = DemoCalendar.weight(ofEpochDay: 20_784)
        let fridayBefore = DemoCalendar.weight(ofEpochDay: 20_777)
        #expect(CivilTime.date(days: 20_784) == (2026, 11, 27))
        #expect(blackFriday >= 3 * fridayBefore)
    }
}
