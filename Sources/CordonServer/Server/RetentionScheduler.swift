public import CordonCore
import Dispatch
import Synchronization

/// Runs the retention sweep inside the server on a fixed interval, so personal data past
/// its policy's period is deleted without an operator (GDPR Art. 5(1)(e), storage
/// limitation). Reads never see expired rows either way; this is what removes them.
///
/// One sweep at a time on a private queue; each is audited by the vault like
/// `cordon retention run` (actor `cordon:retention-scheduler`). While sealed there is
/// nothing to sweep. Each sweep logs one `info` line (what was deleted); a failed one logs
/// an `error` and is tried again at the next tick.
public final class RetentionScheduler: @unchecked Sendable {
    // @unchecked: `timer` is written in start() and stop() by the thread that owns the
    // server's lifecycle, never concurrently; DispatchSource itself is thread-safe.
    private let queue = DispatchQueue(label: "cordon.retention")
    private var timer: (any DispatchSourceTimer)?
    private let slot: VaultSlot
    private let intervalSeconds: Double
    private let logger: Logger
    private let finished = Atomic<Int>(0)

    /// - Parameters:
    ///   - intervalSeconds: time between sweeps; the first runs after at most a minute.
    ///   - logger: gets one record per sweep (what was deleted, or why it failed).
    public init(slot: VaultSlot, intervalSeconds: Double, logger: Logger) {
        self.slot = slot
        self.intervalSeconds = intervalSeconds
        self.logger = logger
    }

    /// Sweeps finished (or failed) so far.
    public var completedSweeps: Int { finished.load(ordering: .acquiring) }

    /// Starts the timer.
    public func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + min(intervalSeconds, 60), repeating: intervalSeconds)
        timer.setEventHandler { [weak self] in self?.sweep() }
        self.timer = timer
        timer.resume()
    }

    /// Stops the timer and waits for a sweep in flight, so the vault can close after it.
    public func stop() {
        timer?.cancel()
        timer = nil
        queue.sync {}
    }

    private func sweep() {
        defer { finished.add(1, ordering: .releasing) }
        guard let session = slot.session else { return }
        do {
            let result = try session.vault.runRetention(
                context: AccessContext.system("cordon:retention-scheduler")
            )
            let expired = result.regions.reduce(0) { $0 + $1.subjectsExpired }
            let skipped = (result.unavailableRegions ?? [:]).sorted { $0.key < $1.key }.map {
                "\($0.key) (\($0.value))"
            }
            logger.info(
                "retention: \(result.totalDeleted) expired rows deleted (\(expired) inactive profiles) across \(result.regions.count) regions"
                    + (skipped.isEmpty ? "" : "; skipped \(skipped.joined(separator: ", ")): the store cannot serve"),
                metadata: ["deleted": .integer(result.totalDeleted), "regions": .integer(result.regions.count)]
            )
        } catch {
            logger.error("retention: the sweep failed (\(error)); it runs again in \(Int(intervalSeconds)) s")
        }
    }
}
