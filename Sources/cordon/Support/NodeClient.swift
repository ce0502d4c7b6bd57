import Dispatch
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Blocking HTTP calls to Cordon nodes for the CLI (URLSession, libcurl underneath): one
/// request at a time per caller thread; callers run regions on threads of their own.
struct NodeClient: Sendable {
    /// A node's answer: status and body.
    struct Reply: Sendable {
        var status: Int
        var body: Data
    }

    /// The bearer token sent with every request (never printed).
    let token: String
    /// Seconds a request may take before it counts as the node not answering.
    var timeoutSeconds: Double = 120

    /// Sends one request and waits for the answer; a node that cannot be reached throws
    /// ``NodeUnreachable``.
    func send(_ method: String, _ url: URL, body: Data? = nil, contentType: String? = nil) throws -> Reply {
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.httpBody = body
        let outcome = Mutex<Result<Reply, NodeUnreachable>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            let result: Result<Reply, NodeUnreachable>
            if let status = (response as? HTTPURLResponse)?.statusCode {
                result = .success(Reply(status: status, body: data ?? Data()))
            } else {
                result = .failure(
                    NodeUnreachable(url: url, reason: error.map { "\($0.localizedDescription)" } ?? "no answer")
                )
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        task.resume()
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// The error body every Cordon error has (`code`, `message`), when the reply carries one.
    static func errorSummary(_ reply: Reply) -> (code: String, message: String) {
        struct ErrorBody: Decodable {
            var code: String
            var message: String
        }
        if let body = try? JSONDecoder().decode(ErrorBody.self, from: reply.body) { return (body.code, body.message) }
        return ("http_\(reply.status)", "the node answered HTTP \(reply.status)")
    }
}

/// A node that could not be reached (refused connection, timeout, bad address).
struct NodeUnreachable: Error, CustomStringConvertible {
    var url: URL
    var reason: String

    var description: String { "cannot reach \(url.absoluteString): \(reason)" }
}

/// `GET /v1/regions` as a client reads it: each region's countries and node.
struct RegionDirectoryReply: Decodable {
    struct Entry: Decodable {
        var id: String
        var countries: [String]
        var nodeUrl: String?
        var served: Bool?
    }

    var regions: [Entry]
    var nodeUrl: String?

    /// Fetches the directory from the node at `base`, failing with what to do next.
    static func fetch(from base: URL, client: NodeClient) throws -> RegionDirectoryReply {
        let url = base.appendingPathComponent("v1/regions")
        let reply: NodeClient.Reply
        do {
            reply = try client.send("GET", url)
        } catch let error as NodeUnreachable {
            throw CLIError("--via: \(error.description); is `cordon serve` running there?")
        }
        guard reply.status == 200 else {
            let (code, message) = NodeClient.errorSummary(reply)
            throw CLIError("--via: GET \(url.absoluteString) answered \(reply.status) \(code): \(message)")
        }
        do {
            return try JSONDecoder().decode(RegionDirectoryReply.self, from: reply.body)
        } catch {
            throw CLIError("--via: GET \(url.absoluteString) did not answer a region directory; is it a Cordon node?")
        }
    }

    /// The entry of the region that lists `country` (ISO alpha-2, any case).
    func region(ofCountry country: String) -> Entry? {
        let code = country.trimmingCharacters(in: .whitespaces).uppercased()
        return regions.first { $0.countries.contains { $0.uppercased() == code } }
    }
}
