import Foundation

/// Who gets the CPU when an ingest and analysts' scans run in one process (decision 0017,
/// "Scheduling"): while any ingest is running, analysts' region scans share at most
/// `cores − 1` cores, so the writer always keeps one; with no ingest running, scans are not
/// held back.
///
/// A scan waits here *before* it takes a reader connection, so a waiting scan holds no
/// snapshot, no lock and no transaction. A scan already running is never interrupted: the
/// gate only decides when the next one starts (a region scan lasts tens to hundreds of
/// milliseconds, which bounds how long a newly arrived ingest shares the cores).
///
/// The gate is per process because cores are: two `Vault`s in one process (tests) share it.
final class ScanGate: @unchecked Sendable {
    static let shared = ScanGate(cores: ProcessInfo.processInfo.activeProcessorCount)

    /// Scans allowed at once while an ingest runs.
    let scansBesideIngest: Int

    // Guarded by `condition` (this class is @unchecked Sendable for that reason).
    private let condition = NSCondition()
    private var ingests = 0
    private var scans = 0
    private var waiting = 0

    init(cores: Int) {
        scansBesideIngest = max(1, cores - 1)
    }

    /// Runs one analyst region scan, first waiting while an ingest runs and
    /// `scansBesideIngest` scans are already running.
    func scan<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        waiting += 1
        while ingests > 0 && scans >= scansBesideIngest { condition.wait() }
        waiting -= 1
        scans += 1
        condition.unlock()
        defer { finish { $0.scans -= 1 } }
        return try body()
    }

    /// Marks an ingest as running until the returned lease ends.
    func ingestStarted() -> Lease {
        condition.lock()
        ingests += 1
        condition.unlock()
        return Lease(gate: self)
    }

    /// What is running now, for tests and metrics.
    var running: (ingests: Int, scans: Int, waiting: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (ingests, scans, waiting)
    }

    private func finish(_ change: (ScanGate) -> Void) {
        condition.lock()
        change(self)
        condition.broadcast()
        condition.unlock()
    }

    /// One running ingest; `end()` lets held-back scans start (a second call does nothing).
    final class Lease: @unchecked Sendable {
        private let gate: ScanGate
        private var ended = false  // read and written under the gate's lock

        fileprivate init(gate: ScanGate) { self.gate = gate }

        func end() {
            gate.finish { gate in
                guard !ended else { return }
                ended = true
                gate.ingests -= 1
            }
        }
    }
}
