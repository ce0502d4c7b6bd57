import Dispatch
import Synchronization

/// Runs independent pieces of CPU-bound work on every core (`concurrentPerform`) and
/// returns their results in order. Verification hashes segment chunks and tree levels
/// this way; a small job runs inline, where a thread hop would cost more than it saves.
enum ParallelMap {
    /// `[body(0), body(1), ..., body(count - 1)]`, computed concurrently when `parallel`.
    static func map<Result: Sendable>(
        _ count: Int,
        parallel: Bool = true,
        _ body: @Sendable (Int) -> Result
    ) -> [Result] {
        guard parallel, count > 1 else { return (0..<count).map(body) }
        let results = Mutex<[Result?]>(Array(repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let result = body(index)
            results.withLock { $0[index] = result }
        }
        return results.withLock { $0.map { $0! } }
    }
}
