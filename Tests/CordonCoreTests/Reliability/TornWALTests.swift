import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// Found by the crash loop: after a `kill -9` while SQLite appended WAL frames, `cordon
/// store verify` called the store damaged ("1 WAL frames failed authentication") and told
/// the operator to restore a backup — for a frame torn after the last commit, which SQLite
/// ignores and overwrites.
@Suite("Reliability: a torn WAL tail after a crash is not damage")
struct TornWALTests {
    @Test func storeVerifyAcceptsAFrameTornAfterTheLastCommit() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("w-1", country: "DE")])
        try fixture.ingestEvents((0..<50).map { _ in VaultFixture.event("w-1") })
        let wal = fixture.directory.url.appendingPathComponent("regions/eu.db-wal")
        let bytes = try Data(contentsOf: wal)
        fixture.crash()
        // The copy of the WAL as the crash left it, plus a frame being appended when it came:
        // its header whole, its page half written.
        let frame = 24 + 4096
        var torn = bytes.suffix(frame)
        torn.replaceSubrange((torn.startIndex + 24 + 2048)..<torn.endIndex, with: Data(count: 2048))
        try (bytes + torn).write(to: wal)

        fixture.vault = try fixture.open()
        let check = try #require(try fixture.vault.verifyStores(["eu"], context: fixture.context).first)
        #expect(check.intact, "\(check.problems)")
        #expect(try fixture.vault.store("eu").read { try $0.scalar(Int.self, "SELECT count(*) FROM events") } == 50)
    }
}
