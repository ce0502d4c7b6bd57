import Foundation

extension StoreVerifier {
    /// How many pages a store should hold and which of them no file holds: a database file
    /// cut short (or a WAL gone with the pages only it held) authenticates page by page, so
    /// only its extent shows the loss.
    public struct Extent: Sendable, Equatable {
        /// The database size in pages: from the newest commit frame of the WAL, else from
        /// the database header. `nil` when the header does not state it.
        public var expectedPages: Int?
        /// Pages in the database file.
        public var filePages: Int
        /// Pages within ``expectedPages`` that neither the database file nor a frame of the
        /// current WAL holds: the first ``listedMissingPages`` of them.
        public var missingPages: [Int]
        /// How many pages are missing in all. The header's page count is not trusted to be
        /// small (a damaged header may claim two billion pages), so only the first ones
        /// are listed.
        public var missingPageCount: Int
    }

    /// At most this many missing page numbers are listed.
    public static let listedMissingPages = 1000

    /// Reads the extent of the store at `path` from what SQLite keeps in clear: the first
    /// 100 bytes of page 1 (page size, change counter, "in-header database size" and its
    /// "version-valid-for" number, <https://sqlite.org/fileformat2.html#database_header>)
    /// and the WAL's file and frame headers (page numbers, commit sizes and salts, "the
    /// salt values in the frame header match salt values in the WAL header",
    /// <https://sqlite.org/fileformat2.html#wal_file_format>). Nothing is decrypted.
    public static func extent(path: String) -> Extent? {
        guard let database = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? database.close() }
        guard let header = try? database.read(upToCount: 100), header.count == 100 else { return nil }
        let bytes = [UInt8](header)
        func integer(_ offset: Int, _ count: Int, in bytes: [UInt8]) -> Int {
            bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
        }
        let rawPageSize = integer(16, 2, in: bytes)
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512 else { return nil }
        let fileSize = (try? database.seekToEnd()).map(Int.init) ?? 0
        let filePages = fileSize / pageSize
        var expected: Int? =
            integer(24, 4, in: bytes) == integer(92, 4, in: bytes) && integer(28, 4, in: bytes) > 0
            ? integer(28, 4, in: bytes) : nil

        var walPages = Set<Int>()
        if let wal = FileHandle(forReadingAtPath: path + "-wal") {
            defer { try? wal.close() }
            if let walHeader = try? wal.read(upToCount: 32), walHeader.count == 32 {
                let header = [UInt8](walHeader)
                let salts = Array(header[16..<24])
                let frameSize = 24 + integer(8, 4, in: header)
                var offset = UInt64(32)
                var pending: [Int] = []
                while (try? wal.seek(toOffset: offset)) != nil,
                    let frame = try? wal.read(upToCount: 24), frame.count == 24
                {
                    let frameHeader = [UInt8](frame)
                    guard Array(frameHeader[8..<16]) == salts else { break }
                    pending.append(integer(0, 4, in: frameHeader))
                    let commitSize = integer(4, 4, in: frameHeader)
                    if commitSize > 0 {
                        // Frames count only up to the last commit; later ones are an
                        // unfinished transaction SQLite ignores.
                        walPages.formUnion(pending)
                        pending.removeAll()
                        expected = commitSize
                    }
                    offset += UInt64(frameSize)
                }
            }
        }
        var missing: [Int] = []
        var missingCount = 0
        if let size = expected, filePages < size {
            let walPagesBeyondFile = walPages.filter { $0 > filePages && $0 <= size }.count
            missingCount = size - filePages - walPagesBeyondFile
            for page in filePages + 1...size where !walPages.contains(page) {
                missing.append(page)
                if missing.count == listedMissingPages { break }
            }
        }
        return Extent(
            expectedPages: expected,
            filePages: filePages,
            missingPages: missing,
            missingPageCount: missingCount
        )
    }
}
