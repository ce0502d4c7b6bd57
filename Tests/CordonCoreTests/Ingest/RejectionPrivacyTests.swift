import Foundation
import Testing

@testable import CordonCore

/// A value typed into the wrong field may be personal data: a rejection names the line, the
/// field and what was expected, never the value itself.
@Suite("Ingest rejections never repeat the value they refuse")
struct RejectionPrivacyTests {
    @Test func anUnknownPurposeOrEventIsRefusedWithoutEchoingIt() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("e-1", country: "DE")])
        let (_, rejections) = try fixture.ingestEvents([
            VaultFixture.event("e-1", purpose: "anna.berg@example.com"),
            VaultFixture.event("e-1", event: "Anna Berg +49 170 1234567"),
        ])
        #expect(rejections.map(\.field) == ["purpose", "event"])
        for rejection in rejections {
            #expect(!rejection.message.contains("anna"), "\(rejection.message)")
            #expect(!rejection.message.contains("Anna"), "\(rejection.message)")
            #expect(rejection.message.contains("must be"))
        }
    }
}
