import Testing

@testable import CordonServer

/// Path templates: literal segments match exactly, a parameter matches one non-empty
/// segment, and the more literal pattern is the more specific.
@Suite("RoutePattern")
struct RoutePatternTests {
    static func path(_ text: String) -> [Substring] {
        text.split(separator: "/")
    }

    @Test func aLiteralTemplateMatchesOnlyItselfWithNoParameters() {
        let pattern = RoutePattern("/v1/subjects/lookup")
        #expect(pattern.match(Self.path("/v1/subjects/lookup")) == [:])
        #expect(pattern.match(Self.path("/v1/subjects/Lookup")) == nil)
        #expect(pattern.match(Self.path("/v1/subjects")) == nil)
        #expect(pattern.match(Self.path("/v1/subjects/lookup/more")) == nil)
    }

    @Test func parametersCaptureTheirSegmentsByName() {
        let pattern = RoutePattern("/v1/dsr/{id}/erasures/{erasure}")
        #expect(
            pattern.match(Self.path("/v1/dsr/dsr_1/erasures/er_2")) == ["id": "dsr_1", "erasure": "er_2"]
        )
        #expect(pattern.match(Self.path("/v1/dsr/dsr_1/exports/er_2")) == nil)
    }

    @Test func aParameterNeverMatchesAnEmptyOrMissingSegment() {
        let pattern = RoutePattern("/v1/subjects/{id}/export")
        // Splitting drops the empty segment, so the path is one segment short.
        #expect(pattern.match(Self.path("/v1/subjects//export")) == nil)
        #expect(pattern.match(Self.path("/v1/subjects/export")) == nil)
    }

    @Test func aParameterTakesTheSegmentVerbatim() {
        let pattern = RoutePattern("/v1/subjects/{id}")
        #expect(pattern.match(Self.path("/v1/subjects/%2E%2E")) == ["id": "%2E%2E"])
        #expect(pattern.match(Self.path("/v1/subjects/{id}")) == ["id": "{id}"])
    }

    @Test(arguments: [
        ("/v1/subjects/lookup", 3), ("/v1/subjects/{id}", 2), ("/v1/{kind}/{id}", 1), ("/", 0),
    ])
    func specificityCountsLiteralSegments(template: String, specificity: Int) {
        #expect(RoutePattern(template).specificity == specificity)
    }

    @Test func theDescriptionIsTheTemplateAsWritten() {
        #expect(RoutePattern("/v1/subjects/{id}").description == "/v1/subjects/{id}")
        #expect(RoutePattern("/v1/subjects/{id}") == RoutePattern("/v1/subjects/{id}"))
        #expect(RoutePattern("/v1/subjects/{id}") != RoutePattern("/v1/subjects/{subject}"))
    }

    @Test func theRootMatchesOnlyTheEmptyPath() {
        #expect(RoutePattern("/").match([]) == [:])
        #expect(RoutePattern("/").match(Self.path("/v1")) == nil)
    }
}
