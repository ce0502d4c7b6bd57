import Foundation
import Testing

@testable import CordonCore

/// A fresh control store in a temporary data directory, and the shipped policies.
struct ControlFixture {
    let directory: TemporaryDirectory
    let store: ControlStore
    let register: DSRRegister

    init() throws {
        directory = try TemporaryDirectory()
        store = try ControlStore.open(dataDirectory: directory.url, create: true)
        register = DSRRegister(store: store, configuration: ConfigurationFixture.shipped)
    }

    /// The shipped policy with this id.
    static func policy(_ id: PolicyID) -> Policy {
        ConfigurationFixture.shipped.policies[id]!
    }

    /// An RFC 3339 literal as a date.
    static func at(_ text: String) -> Date {
        guard let date = Timestamp.parse(text) else { fatalError("bad date literal \(text)") }
        return date
    }

    /// A subject id shaped like Cordon's.
    static let subject = "0123456789abcdef0123456789abcdef"

    /// Opens a request for `Self.subject`.
    func open(
        _ kind: Right = .access,
        region: RegionID = "eu",
        policy: PolicyID = "gdpr",
        received: String
    ) throws -> DSRRequest {
        try register.open(
            kind: kind,
            region: region,
            policy: Self.policy(policy),
            subjectID: Self.subject,
            externalRef: nil,
            receivedAt: Self.at(received)
        )
    }
}

/// Runs `body` and returns the ``ControlError`` it throws, failing the test otherwise.
func controlError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ControlError? {
    do {
        try body()
        Issue.record("expected a ControlError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as ControlError {
        return error
    } catch {
        Issue.record("expected a ControlError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
