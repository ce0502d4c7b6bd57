import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// The register's rules driven on a bare control store, each call its own transaction and
/// nothing audited: the deadline and state rules do not depend on the vault's audited
/// door, which `VaultDSRTests` covers.
struct RegisterDriver {
    let store: ControlStore
    let register = DSRRegister(configuration: ConfigurationFixture.shipped)

    func open(
        kind: Right,
        region: RegionID,
        policy: Policy,
        subjectID: String?,
        externalRef: String?,
        receivedAt: Date
    ) throws -> DSRRequest {
        try store.write("test") { db in
            try register.open(
                kind: kind,
                region: region,
                policy: policy,
                subjectID: subjectID,
                externalRef: externalRef,
                receivedAt: receivedAt,
                in: db
            )
        }
    }

    func recordCompleted(
        kind: Right,
        region: RegionID,
        policy: Policy,
        subjectID: String?,
        outcome: String?,
        now: Date
    ) throws -> DSRRequest {
        try store.write("test") { db in
            try register.recordCompleted(
                kind: kind,
                region: region,
                policy: policy,
                subjectID: subjectID,
                outcome: outcome,
                now: now,
                in: db
            )
        }
    }

    @discardableResult
    func extend(id: String, reason: String?, now: Date) throws -> DSRRequest {
        try store.write("test") { db in try register.extend(id: id, reason: reason, now: now, in: db) }
    }

    @discardableResult
    func complete(id: String, outcome: String?, now: Date) throws -> DSRRequest {
        try store.write("test") { db in try register.complete(id: id, outcome: outcome, now: now, in: db) }
    }

    func request(id: String) throws -> DSRRequest {
        try store.read("test") { db in try register.request(id: id, in: db) }
    }

    func list(filter: DSRRequest.Filter, now: Date) throws -> [DSRRequest] {
        try store.read("test") { db in try register.list(filter: filter, now: now, in: db) }
    }
}

extension ControlStore {
    /// A tombstone written in a transaction of its own (tests of the table's rules).
    func recordTombstone(region: RegionID, subjectID: String, erasedAt: Date) throws {
        try write("test") { db in
            _ = try ControlStore.recordTombstone(region: region, subjectID: subjectID, erasedAt: erasedAt, in: db)
        }
    }
}

/// A fresh control store in a temporary data directory, and the shipped policies.
struct ControlFixture {
    let directory: TemporaryDirectory
    let store: ControlStore
    let register: RegisterDriver

    init() throws {
        directory = try TemporaryDirectory()
        store = try ControlStore.open(dataDirectory: directory.url, create: true)
        register = RegisterDriver(store: store)
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
