import CordonAudit
import Foundation
import Testing

@testable import CordonCore

@Suite("Saved queries", .serialized)
struct SavedQueryTests {
    static let text = "select channel, count(distinct subject) from events where country = 'DE' group by channel"

    @Test func aSavedQueryStoresCanonicalTextAndRerunsForFree() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 60)
        let saved = try fixture.vault.saveQuery(
            "buyers-by-channel",
            Self.text,
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context
        )
        let canonical = try QueryValidator(catalog: fixture.vault.configuration.catalog)
            .validate(try QueryParser.parse(Self.text)).canonicalText
        #expect(saved.query == canonical)
        #expect(try fixture.vault.savedQueries(analyst: "ana", context: fixture.context) == [saved])

        let options = QueryOptions(now: QueryFixture.now)
        let first = try fixture.vault.runSavedQuery(
            "buyers-by-channel",
            analyst: "ana",
            context: fixture.context,
            options: options
        )
        #expect(first.privacy.cached == false)
        #expect(first.privacy.epsilonSpent["eu"] != "0")
        let again = try fixture.vault.runSavedQuery(
            "buyers-by-channel",
            analyst: "ana",
            context: fixture.context,
            options: options
        )
        #expect(again.privacy.cached == true)
        #expect(again.privacy.epsilonSpent == ["eu": "0"])
        #expect(again.rows == first.rows)
        // The same question typed again is the same release, too.
        let typed = try fixture.vault.query(
            Self.text,
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context,
            options: options
        )
        #expect(typed.privacy.cached == true)

        let actions = try fixture.vault.audit.entries(in: 0..<fixture.vault.audit.treeSize).map(\.event.action)
        #expect(actions.contains("query.save"))
        #expect(actions.contains("query.saved.list"))
    }

    @Test func anotherAnalystCannotSeeOrRunIt() throws {
        let fixture = try QueryFixture()
        try fixture.vault.saveQuery("mine", Self.text, purpose: .analytics, analyst: "ana", context: fixture.context)
        #expect(try fixture.vault.savedQueries(analyst: "bob", context: fixture.context).isEmpty)
        let error = #expect(throws: SavedQueryError.self) {
            try fixture.vault.runSavedQuery("mine", analyst: "bob", context: fixture.context)
        }
        #expect(error?.code == .unknownQuery)
        // Bob may use the same name for his own query: names are unique per analyst.
        try fixture.vault.saveQuery("mine", Self.text, purpose: .analytics, analyst: "bob", context: fixture.context)
    }

    @Test func aTakenNameIsRefusedAndKeepsTheFirst() throws {
        let fixture = try QueryFixture()
        let first = try fixture.vault.saveQuery(
            "q",
            Self.text,
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context
        )
        let error = #expect(throws: SavedQueryError.self) {
            try fixture.vault.saveQuery(
                "q",
                "SELECT COUNT(*) FROM events",
                purpose: .analytics,
                analyst: "ana",
                context: fixture.context
            )
        }
        #expect(error?.code == .nameTaken)
        #expect(try fixture.vault.savedQueries(analyst: "ana", context: fixture.context) == [first])
    }

    @Test(arguments: ["", "has space", "semi;colon", "ünïcode", String(repeating: "x", count: 65)])
    func aMalformedNameIsRefused(_ name: String) throws {
        let fixture = try QueryFixture()
        let error = #expect(throws: SavedQueryError.self) {
            try fixture.vault.saveQuery(name, Self.text, purpose: .analytics, analyst: "ana", context: fixture.context)
        }
        #expect(error?.code == .invalidName)
    }

    @Test(arguments: ["a", "A-z_0.9", String(repeating: "x", count: 64)])
    func wellFormedNamesAreAccepted(_ name: String) {
        #expect(SavedQuery.isValidName(name))
    }

    @Test func anInvalidQueryOrPurposeIsRefusedAtSaveAndAudited() throws {
        let fixture = try QueryFixture()
        #expect(throws: QueryError.self) {
            try fixture.vault.saveQuery(
                "q",
                "SELECT email FROM events",
                purpose: .analytics,
                analyst: "ana",
                context: fixture.context
            )
        }
        #expect(throws: QueryError.self) {
            try fixture.vault.saveQuery(
                "q",
                Self.text,
                purpose: "order_fulfillment",
                analyst: "ana",
                context: fixture.context
            )
        }
        var options = QueryOptions()
        options.permittedPurposes = ["marketing_email"]
        let refused = #expect(throws: QueryError.self) {
            try fixture.vault.saveQuery(
                "q",
                Self.text,
                purpose: .analytics,
                analyst: "ana",
                context: fixture.context,
                options: options
            )
        }
        #expect(refused?.code == .purposeNotPermitted)
        #expect(try fixture.vault.savedQueries(analyst: "ana", context: fixture.context).isEmpty)
        let denied = try fixture.vault.audit.entries(in: 0..<fixture.vault.audit.treeSize).filter {
            $0.event.action == "query.save"
        }
        #expect(denied.count == 3)
        #expect(denied.allSatisfy { $0.event.outcome == .denied && $0.event.query == nil })
    }

    @Test func aSavedQueryRunsAsWrittenKeepingItsAliases() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 60)
        let saved = try fixture.vault.saveQuery(
            "aliased",
            "SELECT channel, COUNT(*) AS purchases FROM events WHERE country = 'DE' GROUP BY channel ORDER BY channel",
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context
        )
        #expect(!saved.query.contains("purchases"))
        let answer = try fixture.vault.runSavedQuery(
            "aliased",
            analyst: "ana",
            context: fixture.context,
            options: QueryOptions(now: QueryFixture.now)
        )
        #expect(answer.columns == ["channel", "purchases"])
        #expect(answer.query == saved.query)
    }

    @Test func savedQueriesSurviveAReopen() throws {
        let fixture = try QueryFixture()
        let saved = try fixture.vault.saveQuery(
            "q",
            Self.text,
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context
        )
        try fixture.reopen()
        #expect(try fixture.vault.savedQueries(analyst: "ana", context: fixture.context) == [saved])
    }
}
