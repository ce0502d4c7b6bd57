import Dispatch
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The coordinator's calls to its nodes (URLSession, libcurl underneath): every request
/// sent at once, each given the same deadline; a node that has not answered by then is
/// given up on (its request cancelled), never waited for.
enum RelayClient {
    struct Request: Sendable {
        var method: String
        var url: URL
        /// The bearer token (never logged).
        var token: String
        var body: Data?
    }

    struct Reply: Sendable {
        var status: Int
        var body: Data
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 8
        return URLSession(configuration: configuration)
    }()

    /// The replies in request order: the node's status and body, or why there is none.
    static func sendAll(_ requests: [Request], timeoutSeconds: Double) -> [Result<Reply, RelayFailure>] {
        let results = Mutex<[Int: Result<Reply, RelayFailure>]>([:])
        let group = DispatchGroup()
        var tasks: [URLSessionDataTask] = []
        for (index, item) in requests.enumerated() {
            var request = URLRequest(url: item.url, timeoutInterval: timeoutSeconds)
            request.httpMethod = item.method
            if !item.token.isEmpty { request.setValue("Bearer \(item.token)", forHTTPHeaderField: "Authorization") }
            if let body = item.body {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = body
            }
            group.enter()
            let task = session.dataTask(with: request) { data, response, error in
                let result: Result<Reply, RelayFailure>
                if let status = (response as? HTTPURLResponse)?.statusCode {
                    result = .success(Reply(status: status, body: data ?? Data()))
                } else {
                    result = .failure(RelayFailure(reason: error.map { $0.localizedDescription } ?? "no answer"))
                }
                results.withLock { if $0[index] == nil { $0[index] = result } }
                group.leave()
            }
            tasks.append(task)
        }
        for task in tasks { task.resume() }
        _ = group.wait(timeout: .now() + .milliseconds(Int(timeoutSeconds * 1000) + 250))
        let finished = results.withLock { done in
            for index in requests.indices where done[index] == nil {
                done[index] = .failure(RelayFailure(reason: "no answer within \(timeoutSeconds) s"))
            }
            return done
        }
        for task in tasks where task.state == .running { task.cancel() }
        return requests.indices.map { finished[$0]! }
    }
}

/// A node that gave no HTTP answer: refused connection, timeout, bad address.
struct RelayFailure: Error, Sendable {
    var reason: String
}
