import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// Found by the tamper matrix: a flipped page or a page cut off `control.db` (tokens, the
/// DSR register, tombstones, budgets) went unnoticed by `cordon store verify`, which checked
/// region stores only.
@Suite("Reliability: store verify checks control.db")
struct ControlStoreVerifyTests {
    static func tampered(_ change: (URL) throws -> Void) throws -> (VaultFixture, Vault.StoreCheck) {
        let fixture = try VaultFixture()
        do {
            let tokens = try fixture.vault.tokenRegistry()  // holds the vault: released before closing
            for index in 0..<40 {
                _ = try tokens.create(name: "t-\(index)", role: .dpo, scope: .regions(["eu"]), context: fixture.context)
            }
        }
        try fixture.vault.close()
        fixture.vault = nil
        try change(fixture.directory.url.appendingPathComponent("control.db"))
        fixture.vault = try fixture.open()
        let checks = try fixture.vault.verifyStores(context: fixture.context)
        return (fixture, try #require(checks.first { $0.region == "control" }))
    }

    @Test func aFlippedPageOfControlDBIsReported() throws {
        let (_, check) = try Self.tampered { url in
            var bytes = try Data(contentsOf: url)
            bytes[4096 + 1500] ^= 0x5A  // inside page 2
            try bytes.write(to: url)
        }
        #expect(!check.intact)
        #expect(check.badPages == [2])
    }

    @Test func controlDBCutShortIsRefusedOrReported() throws {
        do {
            let (_, check) = try Self.tampered { url in
                let size = try Data(contentsOf: url).count
                #expect(truncate(url.path, off_t(size - 4096)) == 0)
            }
            #expect(!check.intact)
            #expect(check.problems.contains { $0.contains("cut short") })
        } catch let error as ControlError {
            // Its last page held the schema or a table SQLite reads on open.
            #expect(error.message.contains("damaged"))
        }
    }

    @Test func anIntactControlDBIsReportedIntact() throws {
        let (_, check) = try Self.tampered { _ in }
        #expect(check.intact && check.pages > 0)
    }
}
