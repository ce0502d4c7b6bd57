import CordonCore

/// How far generation has got, reported after every tenth of a file (the last report is
/// the complete file).
public struct DemoDataProgress: Hashable, Sendable {
    /// Which file is being written.
    public enum Phase: String, Hashable, Sendable {
        /// `subjects.ndjson`.
        case subjects
        /// `events.ndjson`.
        case events
    }

    /// The file being written.
    public var phase: Phase
    /// Lines written so far to it.
    public var linesWritten: Int
    /// Lines it will hold.
    public var totalLines: Int

    /// The lines between two reports for a file of `total` lines.
    static func interval(forTotal total: Int) -> Int { max(1, total / 10) }
}
