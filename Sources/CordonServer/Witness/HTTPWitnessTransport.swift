public import CordonAudit
public import CordonCore
import Dispatch
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A witness's HTTP client: `GET /v1/audit/checkpoint`, `GET /v1/audit/proof/consistency`
/// and `POST /v1/audit/cosignatures` on the peer, with the peer's bearer token
/// (FoundationNetworking's `URLSession`, libcurl underneath; TLS for `https` peers).
///
/// Calls block the calling thread (the vault's API is synchronous); each waits at most
/// ``timeoutSeconds``.
public struct HTTPWitnessTransport: WitnessTransport {
    /// The longest a request may take, connection included.
    public var timeoutSeconds: Double
    /// The largest answer taken from a peer: a checkpoint is a few hundred bytes and a
    /// consistency proof at most 64 hashes, so anything larger is refused unread.
    public var maximumResponseBytes: Int

    public init(timeoutSeconds: Double = 10, maximumResponseBytes: Int = 1 << 20) {
        self.timeoutSeconds = timeoutSeconds
        self.maximumResponseBytes = maximumResponseBytes
    }

    public func checkpoint(of peer: WitnessPeer) throws -> String {
        String(decoding: try send("GET", "/v1/audit/checkpoint", to: peer), as: UTF8.self)
    }

    public func consistencyProof(
        of peer: WitnessPeer,
        from oldSize: UInt64,
        to newSize: UInt64
    ) throws -> AuditConsistencyProof {
        let body = try send("GET", "/v1/audit/proof/consistency?from=\(oldSize)&to=\(newSize)", to: peer)
        do {
            return try JSONDecoder().decode(AuditConsistencyProof.self, from: body)
        } catch {
            throw WitnessError(
                .peerUnreachable,
                "peer \(peer.name): the consistency proof is not valid JSON (\(error))"
            )
        }
    }

    public func deliver(_ cosignedCheckpoint: String, to peer: WitnessPeer) throws {
        _ = try send("POST", "/v1/audit/cosignatures", to: peer, body: Data(cosignedCheckpoint.utf8))
    }

    /// One request; a status other than 2xx becomes ``WitnessError/Code/peerUnreachable``
    /// with the peer's own error message.
    private func send(_ method: String, _ path: String, to peer: WitnessPeer, body: Data? = nil) throws -> Data {
        let base =
            peer.baseURL.absoluteString.hasSuffix("/")
            ? String(peer.baseURL.absoluteString.dropLast()) : peer.baseURL.absoluteString
        guard let url = URL(string: base + path) else {
            throw WitnessError(.invalidPeer, "peer \(peer.name): cannot form a URL from \(base)")
        }
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        if let token = peer.token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
        }
        let result = Mutex<Result<(Data, Int), any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            result.withLock {
                $0 = error.map { .failure($0) } ?? .success((data ?? Data(), status))
            }
            done.signal()
        }.resume()
        done.wait()
        guard let outcome = result.withLock({ $0 }) else { throw WitnessError(.peerUnreachable, "no answer") }
        let (data, status) = try outcome.mapError { error in
            WitnessError(.peerUnreachable, "peer \(peer.name) (\(url.absoluteString)): \(error.localizedDescription)")
        }.get()
        guard data.count <= maximumResponseBytes else {
            throw WitnessError(
                .peerUnreachable,
                "peer \(peer.name) answered \(method) \(path.split(separator: "?")[0]) with \(data.count) bytes, more than the \(maximumResponseBytes) a witness takes"
            )
        }
        guard (200..<300).contains(status) else {
            let message = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["message"] as? String
            throw WitnessError(
                .peerUnreachable,
                "peer \(peer.name) answered \(method) \(path.split(separator: "?")[0]) with \(status)\(message.map { ": \($0)" } ?? "")"
            )
        }
        return data
    }
}
