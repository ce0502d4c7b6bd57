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
public final class RetentionScheduler: Sendable {
    private let queue = DispatchQueue(label: "cordon.retention")
    private let slot: VaultSlot
    private let intervalSeconds: Double
    private let clock: any SchedulerClock
    private let logger: Logger
    private let finished = Atomic<Int>(0)
    /// The task that waits for each sweep's time; nil until started and after stopping.
    private let loop = Mutex<Task<Void, Never>?>(nil)
    /// Set on `queue` by ``stop()``: a sweep whose time came just before the stop is skipped.
    private let stopped = Atomic<Bool>(false)

    /// - Parameters:
    ///   - intervalSeconds: time between sweeps; the first runs after at most a minute.
    ///   - clock: what the schedule waits on; tests pass a clock they advance themselves.
    ///   - logger: gets one record per sweep (what was deleted, or why it failed).
    public init(
        slot: VaultSlot,
        intervalSeconds: Double,
        clock: any SchedulerClock = SystemSchedulerClock(),
        logger: Logger
    ) {
        self.slot = slot
        self.intervalSeconds = intervalSeconds
        self.clock = clock
        self.logger = logger
    }

    deinit {
        loop.withLock { $0?.cancel() }
    }

    /// Sweeps finished (or failed) so far.
    public var completedSweeps: Int { finished.load(ordering: .acquiring) }

    /// Starts the schedule: a sweep after `min(interval, 60 s)`, then one per interval. Ticks
    /// missed (a sweep that overran, a suspended machine) are dropped, not run as a backlog.
    public func start() {
        let task = Task.detached { [weak self, clock, intervalSeconds] in
            let interval = Duration.seconds(intervalSeconds)
            var deadline = clock.now + min(interval, .seconds(60))
            while true {
                do {
                    try await clock.sleep(until: deadline)
                } catch {
                    return
                }
                guard let self else { return }
                await self.sweepOnQueue()
                deadline += interval
                let now = clock.now
                if deadline <= now { deadline = now + interval }
            }
        }
        loop.withLock { $0 = task }
    }

    /// Stops the schedule and waits for a sweep in flight, so the vault can close after it.
    public func stop() {
        loop.withLock { task in
            task?.cancel()
            task = nil
        }
        queue.sync { stopped.store(true, ordering: .releasing) }
    }

    /// One sweep at a time, on the scheduler's queue (a sweep blocks on the disk).
    private func sweepOnQueue() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if !self.stopped.load(ordering: .acquiring) { self.sweep() }
                continuation.resume()
            }
        }
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
