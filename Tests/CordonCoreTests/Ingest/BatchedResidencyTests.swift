import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// The residency check asks each region once per chunk of lines (decision 0021); every
/// line must still be decided as if it had asked on its own, in order.
@Suite("Ingest: residency checked per batch", .serialized)
struct BatchedResidencyTests {
    func ingest(_ fixture: VaultFixture, _ lines: [String], batchSize: Int) throws -> (IngestSummary, [LineRejection]) {
        var rejections: [LineRejection] = []
        var options = IngestOptions()
        options.batchSize = batchSize
        let summary = try fixture.vault.ingestSubjects(
            from: try fixture.reader(lines),
            context: fixture.context,
            options: options
        ) { rejections.append($0) }
        return (summary, rejections)
    }

    @Test("stored, in-flight, duplicate, refused and normalized lines in one chunk are decided as line by line")
    func mixedChunk() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("p-1", country: "DE")])
        let lines = [
            VaultFixture.subject("p-1", country: "US"),  // stored in eu by an earlier run
            VaultFixture.subject("p-1", country: "FR"),  // an update in eu
            VaultFixture.subject("n-1", country: "US"),  // new
            VaultFixture.subject("n-1", country: "US"),  // duplicate in the chunk: an update
            VaultFixture.subject("n-1", country: "DE"),  // waiting for us in the same chunk
            VaultFixture.subject("n-2", country: "DE", consents: []),  // refused at write
            VaultFixture.subject("n-2", country: "US"),  // n-2 is still in flight for eu here
            VaultFixture.subject(" p-1 ", country: "GB"),  // the same externalId once normalized
        ]
        let (summary, rejections) = try ingest(fixture, lines, batchSize: 1000)
        #expect(rejections.map(\.line) == [1, 5, 7, 8, 6])
        #expect(
            rejections.map(\.reason) == [.regionChange, .regionChange, .regionChange, .regionChange, .noLawfulBasis]
        )
        #expect(rejections[0].message.contains("stored in region eu; a move to us needs an explicit transfer"))
        #expect(rejections[1].message.contains("stored in region us"))
        #expect(summary.accepted == 3 && summary.created == 1 && summary.updated == 2)
        #expect(try fixture.vault.lookup(.externalID("p-1"), context: fixture.context).map(\.region) == ["eu"])
        #expect(try fixture.vault.lookup(.externalID("n-1"), context: fixture.context).map(\.region) == ["us"])
        #expect(try fixture.id(of: "n-2") == nil)
    }

    @Test("a subject written part way through a chunk is seen by the chunk's later lines")
    func writtenMidChunk() throws {
        let fixture = try VaultFixture()
        // Batches of two: the chunk [c, a@US] writes eu's batch [a, c] at line 3, after the
        // chunk's regions were asked; line 4 must still find a in eu.
        let lines = [
            VaultFixture.subject("a", country: "DE"),
            VaultFixture.subject("b", country: "US"),
            VaultFixture.subject("c", country: "DE"),
            VaultFixture.subject("a", country: "US"),
            VaultFixture.subject("d", country: "DE", consents: []),  // refused when eu writes it
            VaultFixture.subject("e", country: "DE"),
            VaultFixture.subject("d", country: "US"),  // d was never stored: a new us subject
        ]
        let (summary, rejections) = try ingest(fixture, lines, batchSize: 2)
        #expect(rejections.map(\.line).sorted() == [4, 5])
        #expect(Set(rejections.map(\.reason)) == [.regionChange, .noLawfulBasis])
        #expect(summary.accepted == 5)
        #expect(try fixture.vault.lookup(.externalID("a"), context: fixture.context).map(\.region) == ["eu"])
        #expect(try fixture.vault.lookup(.externalID("d"), context: fixture.context).map(\.region) == ["us"])
    }

    @Test("with one region unreadable, updates elsewhere go on and new subjects are refused as before")
    func unreadableRegionInAChunk() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("u-eu", country: "DE"), VaultFixture.subject("u-us", country: "US"),
        ])
        try fixture.vault.close()
        fixture.vault = nil
        let file = fixture.directory.url.appendingPathComponent("regions/eu.db")
        let handle = try FileHandle(forWritingTo: file)
        try handle.seek(toOffset: 200)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 64))
        try handle.close()
        try? FileManager.default.removeItem(atPath: file.path + "-wal")
        try fixture.reopen()
        let (summary, rejections) = try ingest(
            fixture,
            [
                VaultFixture.subject("u-us", country: "US"),  // an update: us answers for it
                VaultFixture.subject("new-us", country: "US"),  // eu must say it does not hold it
                VaultFixture.subject("u-eu", country: "DE"),  // its own region cannot serve
            ],
            batchSize: 1000
        )
        #expect(summary.accepted == 1 && summary.updated == 1)
        #expect(rejections.map(\.line) == [2, 3])
        #expect(rejections.allSatisfy { $0.reason == .regionUnavailable })
        #expect(rejections.map(\.field) == ["externalId", "country"])
        #expect(rejections[0].message.contains("region eu cannot be read or written now"))
        #expect(rejections[0].message.contains("must be able to say it does not hold this new subject already"))
        #expect(rejections[1].message.contains("is this subject's region"))
        #expect(summary.unavailableRegions?["eu"] != nil)
    }

    @Test("events of a chunk find their subjects in every region, in line order, with unknown ones refused")
    func eventsOfAChunk() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("e-eu", country: "DE"), VaultFixture.subject("e-us", country: "US"),
            VaultFixture.subject("e-uk", country: "GB"),
        ])
        var rejections: [LineRejection] = []
        var options = IngestOptions()
        options.batchSize = 3  // chunks of three lines, with batches written part way through
        let summary = try fixture.vault.ingestEvents(
            from: try fixture.reader([
                VaultFixture.event("e-eu"), VaultFixture.event("nobody"), VaultFixture.event("e-us"),
                VaultFixture.event(" e-eu "), VaultFixture.event("e-uk"), VaultFixture.event("e-eu"),
                VaultFixture.event("nobody"), VaultFixture.event("e-us"),
            ]),
            context: fixture.context,
            options: options
        ) { rejections.append($0) }
        #expect(rejections.map(\.line) == [2, 7])
        #expect(rejections.allSatisfy { $0.reason == .unknownSubject })
        #expect(summary.accepted == 6)
        #expect(summary.acceptedByRegion == ["eu": 3, "us": 2, "uk": 1])
    }
}
