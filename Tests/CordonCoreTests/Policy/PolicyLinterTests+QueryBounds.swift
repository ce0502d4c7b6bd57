import Foundation
import Testing

@testable import CordonCore

/// The catalog's default contribution bounds (`queryBounds`, decision 0014).
extension PolicyLinterTests {
    func lintQueryBounds(_ edit: @escaping (inout [String: Any]) -> Void) throws -> [LintIssue] {
        try ConfigurationFixture.lint(editing: "regions/catalog.json") { catalog in
            var bounds = catalog["queryBounds"] as! [String: Any]
            edit(&bounds)
            catalog["queryBounds"] = bounds
        }
    }

    @Test func theShippedCatalogBoundsPeopleByTheirAttributesAndEventsByDefaults() {
        let bounds = ConfigurationFixture.shipped.catalog.queryBounds
        #expect(bounds.subjectLevel == ["country", "region"])
        #expect(bounds.groupsPerSubject["channel"] == 3 && bounds.groupsPerSubject["day(ts)"] == 6)
        #expect(bounds.rowsPerGroup == ["events": 3, "attribution": 3])
        #expect(bounds.measurePerGroup == ["amountCents": 25_000])
        #expect(bounds.source.count > 80)
    }

    @Test func anUnknownDimensionIsReportedWithTheKnownOnes() throws {
        let issues = try lintQueryBounds { $0["subjectLevel"] = ["country", "email"] }
        let found = try issue(in: issues, file: "regions/catalog.json", path: "$.queryBounds.subjectLevel[1]")
        #expect(found.message.hasPrefix("'email' is not a query dimension; expected one of:"))
    }

    @Test func aSubjectLevelDimensionTakesNoGroupBound() throws {
        let issues = try lintQueryBounds { bounds in
            var groups = bounds["groupsPerSubject"] as! [String: Any]
            groups["country"] = 2
            bounds["groupsPerSubject"] = groups
        }
        let found = try issue(in: issues, file: "regions/catalog.json", path: "$.queryBounds.groupsPerSubject")
        #expect(found.message.contains("'country' is subject-level"))
    }

    @Test func boundsMustBePositiveAndNameSomethingBounded() throws {
        let zero = try lintQueryBounds { $0["rowsPerGroup"] = ["events": 0] }
        #expect(zero.contains { $0.path == "$.queryBounds.rowsPerGroup.events" })
        let unknown = try lintQueryBounds { $0["measurePerGroup"] = ["birthYear": 10] }
        let found = try issue(
            in: unknown,
            file: "regions/catalog.json",
            path: "$.queryBounds.measurePerGroup.birthYear"
        )
        #expect(found.message == "'birthYear' takes no bound; expected one of: amountCents")
    }
}
