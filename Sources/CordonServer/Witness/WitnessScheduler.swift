public import CordonCore
import Dispatch
import Synchronization

/// Witnesses the configured peers' trails on a fixed interval (decision 0025): one round per
/// peer per tick, each audited by the vault (actor `cordon:witness`), so a peer whose
/// trail is cut or forked is found within one interval and never cosigned again.
///
/// Shaped like ``RetentionScheduler``: one tick at a time on a private queue, an injected
/// clock for tests, ticks missed while a round overran dropped. Each round logs one line
/// (`info` when cosigned, `error` on an alarm, `warning` when the peer could not be reached).
public final class WitnessScheduler: Sendable {
    private let queue = DispatchQueue(label: "cordon.witness")
    private let slot: VaultSlot
    private let roster: WitnessRoster
    private let transport: any WitnessTransport
    private let metrics: ServerMetrics?
    private let intervalSeconds: Double
    private let clock: any SchedulerClock
    private let logger: Logger
    private let finished = Atomic<Int>(0)
    private let loop = Mutex<Task<Void, Never>?>(nil)
    private let stopped = Atomic<Bool>(false)

    /// - Parameters:
    ///   - intervalSeconds: time between ticks; the first runs after at most ten seconds.
    ///   - clock: what the schedule waits on; tests pass a clock they advance themselves.
    public init(
        slot: VaultSlot,
        roster: WitnessRoster,
        transport: any WitnessTransport = HTTPWitnessTransport(),
        metrics: ServerMetrics? = nil,
        intervalSeconds: Double,
        clock: any SchedulerClock = SystemSchedulerClock(),
        logger: Logger
    ) {
        self.slot = slot
        self.roster = roster
        self.transport = transport
        self.metrics = metrics
        self.intervalSeconds = intervalSeconds
        self.clock = clock
        self.logger = logger
    }

    deinit {
        loop.withLock { $0?.cancel() }
    }

    /// Ticks finished so far (every peer's round done or failed).
    public var completedTicks: Int { finished.load(ordering: .acquiring) }

    /// Starts the schedule: a tick after `min(interval, 10 s)`, then one per interval.
    public func start() {
        let task = Task.detached { [weak self, clock, intervalSeconds] in
            let interval = Duration.seconds(intervalSeconds)
            var deadline = clock.now + min(interval, .seconds(10))
            while true {
                do {
                    try await clock.sleep(until: deadline)
                } catch {
                    return
                }
                guard let self else { return }
                await self.tickOnQueue()
                deadline += interval
                let now = clock.now
                if deadline <= now { deadline = now + interval }
            }
        }
        loop.withLock { $0 = task }
    }

    /// Stops the schedule and waits for a tick in flight, so the vault can close after it.
    public func stop() {
        loop.withLock { task in
            task?.cancel()
            task = nil
        }
        queue.sync { stopped.store(true, ordering: .releasing) }
    }

    private func tickOnQueue() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if !self.stopped.load(ordering: .acquiring) { _ = self.runRounds() }
                continuation.resume()
            }
        }
    }

    /// One round of every configured peer now (the schedule's tick; also for tests), in
    /// roster order; returns each peer's round, or the error that ended it.
    @discardableResult
    public func runRounds() -> [(peer: String, result: Result<WitnessRound, any Error>)] {
        defer { finished.add(1, ordering: .releasing) }
        guard let session = slot.session else { return [] }
        return roster.current.map { peer in
            let result = Result {
                try session.vault.witness(peer, transport: transport, context: AccessContext.system("cordon:witness"))
            }
            report(peer, result)
            return (peer.name, result)
        }
    }

    private func report(_ peer: WitnessPeer, _ result: Result<WitnessRound, any Error>) {
        switch result {
        case .success(let round) where round.outcome == .cosigned:
            metrics?.recordWitnessRound(peer: peer.name, outcome: "cosigned")
            logger.info(
                "witness: \(peer.name) verified and cosigned at size \(round.treeSize)"
                    + (round.delivered ? "" : "; not delivered (\(round.deliveryError ?? "unknown")): it is kept here"),
                metadata: ["peer": .string(peer.name), "treeSize": .integer(Int(round.treeSize))]
            )
        case .success(let round):
            metrics?.recordWitnessRound(peer: peer.name, outcome: "refused")
            logger.error(
                "witness: ALARM \(peer.name): \(round.alarm?.reason ?? "refused"); not cosigned, evidence kept (cordon audit witnesses)"
            )
        case .failure(let error):
            metrics?.recordWitnessRound(peer: peer.name, outcome: "failed")
            logger.warning("witness: \(peer.name): \(error); tried again in \(Int(intervalSeconds)) s")
        }
    }
}
