/// The prepared statements of one connection, keyed by SQL text, evicting the least
/// recently used beyond a fixed capacity.
///
/// Preparing is the costly part of a small query; ingest runs the same few statements
/// over and over. A linear scan over at most a few dozen entries to evict is cheaper
/// than maintaining a linked list.
struct StatementCache {
    private struct Entry {
        var statement: Statement
        var lastUse: UInt64
    }

    private let capacity: Int
    private var entries: [String: Entry] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The cached statement for this text that is not in use, marking it used now.
    mutating func statement(for sql: String) -> Statement? {
        guard var entry = entries[sql], !entry.statement.isInUse else { return nil }
        clock += 1
        entry.lastUse = clock
        entries[sql] = entry
        return entry.statement
    }

    /// Keeps a statement, evicting the least recently used one when full.
    mutating func insert(_ statement: Statement) {
        guard capacity > 0 else { return }
        if entries[statement.sql] == nil, entries.count >= capacity,
            let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })
        {
            entries[oldest.key] = nil
        }
        clock += 1
        entries[statement.sql] = Entry(statement: statement, lastUse: clock)
    }

    /// Drops every statement.
    mutating func removeAll() {
        entries.removeAll()
    }
}
