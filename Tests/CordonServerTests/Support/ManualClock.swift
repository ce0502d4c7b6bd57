import CordonServer
import Synchronization

/// A ``SchedulerClock`` that moves only when the test advances it, and tells the test when
/// a task has gone back to sleep on it (its work for the last tick is done).
final class ManualClock: SchedulerClock {
    private struct Sleeper {
        var id: Int
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var sleepers: [Sleeper] = []
        /// Sleeps cancelled before their continuation was stored.
        var cancelled: Set<Int> = []
        var nextID = 0
        /// Calls of `sleep(until:)` that had to wait, so far.
        var sleeps = 0
        var sleepWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var now: Duration { state.withLock { $0.now } }

    /// The deadlines tasks are sleeping until, earliest first.
    var deadlines: [Duration] { state.withLock { $0.sleepers.map(\.deadline).sorted() } }

    func sleep(until deadline: Duration) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let watchers: [CheckedContinuation<Void, Never>]? = state.withLock { state in
                    if state.cancelled.remove(id) != nil {
                        continuation.resume(throwing: CancellationError())
                        return nil
                    }
                    if deadline <= state.now {
                        continuation.resume()
                        return nil
                    }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    state.sleeps += 1
                    let sleeps = state.sleeps
                    let due = state.sleepWatchers.filter { $0.count <= sleeps }.map(\.continuation)
                    state.sleepWatchers.removeAll { $0.count <= sleeps }
                    return due
                }
                for watcher in watchers ?? [] { watcher.resume() }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { state in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    state.cancelled.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on and wakes every task whose deadline has come.
    func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.now += duration
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Returns once `count` calls of `sleep(until:)` in all have had to wait.
    func waitForSleep(number count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                guard state.sleeps < count else { return true }
                state.sleepWatchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
