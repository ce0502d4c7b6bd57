import Foundation

/// How long the reliability suite runs and where it reports.
///
/// `make test` runs each part briefly (a sampled subset of fault points, a few crash
/// cycles, a fixed seed); `make reliability` sets `CORDON_RELIABILITY=full` to run every
/// fault point and hundreds of crash cycles, and `CORDON_RELIABILITY_REPORT=DIR` to collect
/// each part's figures, which it prints at the end and docs/RELIABILITY.md quotes.
/// `CORDON_RELIABILITY_SEED=N` replays a run with another seed.
public enum ReliabilityRun {
    /// Whether this is the long run (`make reliability`).
    public static let isFull = ProcessInfo.processInfo.environment["CORDON_RELIABILITY"] == "full"

    /// The seed every random choice of the suite derives from.
    public static let seed: UInt64 =
        ProcessInfo.processInfo.environment["CORDON_RELIABILITY_SEED"].flatMap { UInt64($0) } ?? 20_261_204

    /// `short` in `make test`, `full` in `make reliability`.
    public static func scale<T>(short: T, full: T) -> T { isFull ? full : short }

    /// A generator for one part of the suite: the run's seed mixed with the part's name, so
    /// adding a part does not change the choices of another.
    public static func generator(_ part: String) -> SeededGenerator {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in part.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return SeededGenerator(seed: seed ^ hash)
    }

    /// Prints a part's figures and, when `CORDON_RELIABILITY_REPORT` names a directory,
    /// writes them to `<DIR>/<part>.txt` for `make reliability` to collect.
    public static func report(_ part: String, _ lines: [String]) {
        let text = lines.joined(separator: "\n") + "\n"
        print(text, terminator: "")
        guard let directory = ProcessInfo.processInfo.environment["CORDON_RELIABILITY_REPORT"] else { return }
        let url = URL(fileURLWithPath: directory).appendingPathComponent("\(part).txt")
        try? FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try? Data(text.utf8).write(to: url)
    }
}
