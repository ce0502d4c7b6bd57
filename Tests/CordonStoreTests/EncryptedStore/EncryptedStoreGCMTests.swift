import CordonTestSupport
import Foundation
import Testing

@testable import CordonStore

extension PageEncryption {
    static let gcmA = PageEncryption(key: TestPageKey(seed: 1), algorithm: .aes256GCM)
    static let gcmB = PageEncryption(key: TestPageKey(seed: 2), algorithm: .aes256GCM)
}

/// AES-256-GCM pages: the same guarantees as XChaCha20-Poly1305, plus subkeys that change
/// with every writing session and at the seal budget.
@Suite(.enabled(if: PageEncryption.Algorithm.aes256GCM.isAvailable, "this CPU lacks AES-NI or CLMUL"))
struct EncryptedStoreGCMTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// The salts (reserve bytes 0..<12) of every page of a database file.
    private func salts(_ name: String) throws -> Set<[UInt8]> {
        let bytes = try directory.contents(name)
        return Set(stride(from: 0, to: bytes.count, by: 4096).map { Array(bytes[($0 + 4096 - 40)..<($0 + 4096 - 28)]) })
    }

    private func makeStore(_ name: String, encryption: PageEncryption = .gcmA, count: Int = 600) throws -> String {
        let connection = try Connection(
            path: directory.path(name),
            configuration: EncryptedStore.configuration(encryption)
        )
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: count)
        try connection.checkpoint(.truncate)
        return try EncryptedStore.readEverything(connection)
    }

    @Test func roundTripsAndRecordsItsAlgorithm() throws {
        let path = directory.path("gcm.db")
        let expected: String
        do {
            let connection = try Connection(path: path, configuration: EncryptedStore.configuration(.gcmA))
            try connection.execute(script: EncryptedStore.schema)
            try EncryptedStore.insertEvents(connection, count: 500)
            expected = try EncryptedStore.fingerprint(connection)
            let reader = try Connection(path: path, configuration: EncryptedStore.configuration(.gcmA))
            #expect(try EncryptedStore.fingerprint(reader) == expected)
            try connection.checkpoint(.truncate)
        }
        #expect(try directory.contents("gcm.db")[75] == 2)
        #expect(StoreVerifier.algorithm(ofStoreAt: path) == .aes256GCM)
        #expect(try StoreVerifier.verify(path: path, encryption: .gcmA).isIntact)
        // A store is read with the algorithm in its header, whatever the connection would
        // create: the XChaCha20-Poly1305 configuration of the same key opens it.
        let reopened = try Connection(path: path, configuration: EncryptedStore.configuration(.testA))
        #expect(try EncryptedStore.readEverything(reopened) == "ok \(expected)")
        try EncryptedStore.insertEvents(reopened, count: 10, firstID: 1000)
        try reopened.checkpoint(.truncate)
        #expect(StoreVerifier.algorithm(ofStoreAt: path) == .aes256GCM)
        #expect(try StoreVerifier.verify(path: path, encryption: .testA).isIntact)
        #expect(StoreVerifier.algorithm(ofStoreAt: directory.path("missing.db")) == nil)
    }

    @Test func everyByteFlipIsDetected() throws {
        let expected = try makeStore("source.db")
        let pristine = try directory.contents("source.db")
        var random = SeededGenerator(seed: 0x6C3)
        for _ in 0..<60 {
            let offset = Int.random(in: 0..<pristine.count, using: &random)
            var tampered = pristine
            tampered[offset] ^= UInt8.random(in: 1...255, using: &random)
            try Data(tampered).write(to: directory.url.appendingPathComponent("flip.db"))
            let page = offset / 4096 + 1
            let report = try? StoreVerifier.verify(path: directory.path("flip.db"), encryption: .gcmA)
            #expect(report == nil || report?.badPages == [page], "flip at \(offset)")
            do {
                let connection = try Connection(
                    path: directory.path("flip.db"),
                    configuration: EncryptedStore.configuration(.gcmA)
                )
                let check = try connection.scalar(String.self, "PRAGMA integrity_check") ?? ""
                #expect(check.contains("error code=\(ioErrorData)"), "flip at \(offset) (page \(page))")
                #expect("ok \(try EncryptedStore.fingerprint(connection))" == expected)
            } catch let error as StoreError {
                #expect([.ioError, .notADatabase, .corrupt].contains(error.code), "\(error)")
            }
        }
    }

    @Test func aSwappedSaltOrAPageMovedIsDetected() throws {
        _ = try makeStore("source.db")
        var bytes = try directory.contents("source.db")
        // One byte of page 3's salt: the page would open under another subkey.
        bytes[3 * 4096 - 40] ^= 0x01
        // Page 5 and page 6 exchanged.
        let five = Array(bytes[(4 * 4096)..<(5 * 4096)])
        bytes.replaceSubrange((4 * 4096)..<(5 * 4096), with: bytes[(5 * 4096)..<(6 * 4096)])
        bytes.replaceSubrange((5 * 4096)..<(6 * 4096), with: five)
        try Data(bytes).write(to: directory.url.appendingPathComponent("moved.db"))
        let report = try StoreVerifier.verify(path: directory.path("moved.db"), encryption: .gcmA)
        #expect(report.badPages == [3, 5, 6])
    }

    @Test func wrongKeyFailsOnOpenWithOneSentence() throws {
        _ = try makeStore("keyed.db")
        let path = directory.path("keyed.db")
        let before = try directory.contents("keyed.db")
        let error = try #require(throws: StoreError.self) {
            try Connection(path: path, configuration: EncryptedStore.configuration(.gcmB))
        }
        #expect(error.message == "cannot open \(path): wrong page key or not a Cordon store")
        #expect(try directory.contents("keyed.db") == before)
    }

    /// A subkey seals at most its budget of pages, and every writing session starts a new
    /// one; pages under many subkeys (more than the reader keeps) all open.
    @Test func subkeysChangeAtTheBudgetAndWithEachSession() throws {
        var budgeted = PageEncryption.gcmA
        budgeted.gcmSealsPerSubkey = 4
        let expected = try makeStore("budget.db", encryption: budgeted, count: 1500)
        let pages = try directory.contents("budget.db").count / 4096
        #expect(try salts("budget.db").count >= pages / 4)
        #expect(pages / 4 > 8)  // more subkeys than a reader keeps
        let reopened = try Connection(
            path: directory.path("budget.db"),
            configuration: EncryptedStore.configuration(.gcmA)
        )
        #expect(try EncryptedStore.readEverything(reopened) == expected)
        #expect(try StoreVerifier.verify(path: directory.path("budget.db"), encryption: .gcmA).isIntact)

        // Without a budget one session writes under one subkey; a second session adds another.
        _ = try makeStore("sessions.db", count: 300)
        #expect(try salts("sessions.db").count == 1)
        do {
            let second = try Connection(
                path: directory.path("sessions.db"),
                configuration: EncryptedStore.configuration(.gcmA)
            )
            try EncryptedStore.insertEvents(second, count: 300, firstID: 5000)
            try second.checkpoint(.truncate)
        }
        #expect(try salts("sessions.db").count == 2)
    }

    @Test func reencryptionMovesAStoreBetweenAlgorithms() throws {
        let path = directory.path("convert.db")
        let expected = try makeStore("convert.db", encryption: .testA)
        #expect(StoreVerifier.algorithm(ofStoreAt: path) == .xChaCha20Poly1305)
        try PageEncryption.reencryptStore(at: path, from: .testA, to: .gcmB)
        #expect(StoreVerifier.algorithm(ofStoreAt: path) == .aes256GCM)
        #expect(!StoreVerifier.opens(path: path, with: .testA))
        let converted = try Connection(path: path, configuration: EncryptedStore.configuration(.gcmB))
        #expect(try EncryptedStore.readEverything(converted) == expected)
        try PageEncryption.reencryptStore(at: path, from: .gcmB, to: .testA)
        #expect(StoreVerifier.algorithm(ofStoreAt: path) == .xChaCha20Poly1305)
        #expect(try StoreVerifier.verify(path: path, encryption: .testA).isIntact)
    }

    @Test func aWALFlipFailsOrRollsBack() throws {
        let path = directory.path("wal.db")
        let connection = try Connection(path: path, configuration: EncryptedStore.configuration(.gcmA))
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 100, firstID: 10_000)
        try connection.checkpoint(.truncate)
        try connection.execute("PRAGMA wal_autocheckpoint = 0")
        var states = [try EncryptedStore.fingerprint(connection)]
        for commit in 0..<4 {
            try EncryptedStore.insertEvents(connection, count: 50, firstID: 1 + commit * 50)
            states.append(try EncryptedStore.fingerprint(connection))
        }
        let database = try directory.contents("wal.db")
        let wal = try directory.contents("wal.db-wal")
        var random = SeededGenerator(seed: 0x9A1)
        for _ in 0..<40 {
            let offset = Int.random(in: 0..<wal.count, using: &random)
            var tampered = wal
            tampered[offset] ^= 0x5A
            try? FileManager.default.removeItem(at: directory.url.appendingPathComponent("walflip.db-shm"))
            try Data(database).write(to: directory.url.appendingPathComponent("walflip.db"))
            try Data(tampered).write(to: directory.url.appendingPathComponent("walflip.db-wal"))
            do {
                let reader = try Connection(
                    path: directory.path("walflip.db"),
                    configuration: EncryptedStore.configuration(.gcmA)
                )
                let result = try EncryptedStore.readEverything(reader)
                #expect(states.map { "ok \($0)" }.contains(result), "flip at WAL offset \(offset)")
            } catch let error as StoreError {
                #expect([.ioError, .corrupt].contains(error.code), "\(error)")
            }
        }
    }
}
