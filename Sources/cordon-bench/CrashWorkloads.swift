import CordonStore
import Foundation

/// A page key read from standard input (64 hex digits); the bench's own type, since
/// CordonStore takes any ``PageKeyMaterial``.
struct BenchPageKey: PageKeyMaterial {
    let bytes: [UInt8]

    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), index != hex.endIndex {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        self.bytes = bytes
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }
}

/// The child processes of the crash tests: they work until `kill -9`.
enum CrashWorkloads {
    private static func readKey() -> PageEncryption {
        PageEncryption(key: BenchPageKey(hex: readLine() ?? ""))
    }

    /// Commits one row per transaction (plus bulk filler, so checkpoints and cache spills
    /// happen mid-transaction) and prints each row's id only after its commit returned:
    /// every printed id must survive the kill.
    static func write(path: String, journalMode: Configuration.JournalMode) throws {
        var configuration = Configuration()
        configuration.encryption = readKey()
        configuration.journalMode = journalMode
        let connection = try Connection(path: path, configuration: configuration)
        try connection.execute(
            script: "CREATE TABLE IF NOT EXISTS acked(id INTEGER PRIMARY KEY, filler BLOB NOT NULL);"
        )
        try connection.execute("PRAGMA cache_size = 20")  // spills dirty pages mid-transaction
        var id = (try connection.scalar(Int.self, "SELECT max(id) FROM acked") ?? 0) + 1
        while true {
            try connection.inTransaction { connection in
                try connection.execute("INSERT INTO acked(id, filler) VALUES (\(id), randomblob(3000))")
                try connection.execute("UPDATE acked SET filler = randomblob(3000) WHERE id % 50 = \(id % 50)")
            }
            emit(String(id))
            id += 1
        }
    }

    /// Re-encrypts the store from key A to key B and back, forever; the key for B is the
    /// bitwise complement of A. Prints "rekeyed" after each completed re-encryption.
    static func rekey(path: String) throws {
        let first = BenchPageKey(hex: readLine() ?? "")
        let second = BenchPageKey(hex: first.bytes.map { String(format: "%02x", ~$0) }.joined())
        var keys = [PageEncryption(key: first), PageEncryption(key: second)]
        if !StoreVerifier.opens(path: path, with: keys[0]) { keys.reverse() }
        while true {
            try PageEncryption.reencryptStore(at: path, from: keys[0], to: keys[1])
            keys.reverse()
            emit("rekeyed")
        }
    }
}
