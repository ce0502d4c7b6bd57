import CordonCore
import CordonTestSupport
import Foundation
import Synchronization
import Testing

@testable import CordonServer

/// Random and mutated HTTP requests, as raw bytes over a socket to a real libmicrohttpd
/// host: no crash, no 5xx, and every error is one openapi.json documents.
@Suite("Fuzz: HTTP requests")
struct HTTPFuzzTests {
    /// `components.x-error-codes` of openapi.json: status → codes.
    static var documentedCodes: [String: Set<String>] {
        let data = try! Data(contentsOf: ServerFixture.packageRoot.appendingPathComponent("openapi.json"))
        let spec = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        let table = (spec["components"] as! [String: Any])["x-error-codes"] as! [String: Any]
        return table.compactMapValues { ($0 as? [String]).map(Set.init) }
    }

    /// Statuses libmicrohttpd itself answers (with a short HTML body) for bytes that are
    /// not an HTTP/1.x request: documented in openapi.json's description.
    static let httpLayerStatuses: Set<Int> = [400, 413, 414, 431]

    /// One request before serialization.
    struct Request {
        var method: String
        var target: String
        var headers: [(String, String)]
        var body: [UInt8]

        /// Whether a Content-Length header promises a body of another size (the server then
        /// waits for bytes that never come, and closes at its idle timeout).
        var misstatesLength: Bool {
            headers.contains { $0.0.lowercased() == "content-length" && Int($0.1) != body.count }
        }

        func serialized(contentLength: Bool = true) -> [UInt8] {
            var lines = ["\(method) \(target) HTTP/1.1"] + headers.map { "\($0.0): \($0.1)" }
            if contentLength && !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
                lines.append("Content-Length: \(body.count)")
            }
            return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
        }
    }

    static let fragments = [
        "\"", "{", "}", "[", "]", ",", ":", "null", "-1", "1e999", "\\u0000", "\u{0}", "\r\n", "%00", "%2e%2e/",
        String(repeating: "[", count: 300), String(repeating: "\n", count: 50), "é", "\u{FEFF}",
        #"{"externalId":"z-1","ts":"9999-12-31T23:59:59Z","event":"x","purpose":"analytics"}"#,
    ]

    static func bases(_ fixture: ServerFixture) -> [Request] {
        func bearer(_ role: String) -> (String, String) { ("Authorization", "Bearer \(fixture.tokens[role]!)") }
        let host = ("Host", "127.0.0.1")
        let close = ("Connection", "close")
        let json = ("Content-Type", "application/json")
        let ndjson = ("Content-Type", "application/x-ndjson")
        let subjects = [
            ServerFixture.subject("z-1", country: "DE", email: "z1@example.com"),
            ServerFixture.subject("z-2", country: "US"),
        ]
        return [
            Request(method: "GET", target: "/healthz", headers: [host, close], body: []),
            Request(method: "GET", target: "/readyz", headers: [host, close], body: []),
            Request(method: "GET", target: "/v1/regions", headers: [host, bearer("dpo"), close], body: []),
            Request(
                method: "POST",
                target: "/v1/subjects",
                headers: [host, bearer("ingest"), ndjson, close],
                body: Array(subjects.joined(separator: "\n").utf8)
            ),
            Request(
                method: "POST",
                target: "/v1/events",
                headers: [host, bearer("ingest-eu"), ndjson, close],
                body: Array([ServerFixture.event("z-1"), ServerFixture.event("z-2")].joined(separator: "\n").utf8)
            ),
            Request(
                method: "POST",
                target: "/v1/dsr",
                headers: [host, bearer("dpo"), json, close],
                body: Array(
                    #"{"right":"access","region":"eu","externalRef":"f","receivedAt":"2025-01-31T09:00:00+01:00"}"#.utf8
                )
            ),
            Request(
                method: "GET",
                target: "/v1/audit/entries?since=2025-01-31T08:00:00Z&limit=5",
                headers: [host, bearer("dpo"), close],
                body: []
            ),
            Request(
                method: "POST",
                target: "/v1/query",
                headers: [host, bearer("analyst"), json, close],
                body: Array(
                    #"{"sql":"SELECT channel, COUNT(*) FROM events GROUP BY channel","purpose":"analytics"}"#.utf8
                )
            ),
            Request(
                method: "GET",
                target: "/v1/subjects/lookup?externalId=z-1",
                headers: [host, bearer("dpo"), close],
                body: []
            ),
            Request(
                method: "POST",
                target: "/v1/tokens",
                headers: [host, bearer("admin"), json, close],
                body: Array(#"{"name":"f","role":"analyst","regions":["eu"]}"#.utf8)
            ),
            Request(
                method: "POST",
                target: "/v1/unseal",
                headers: [host, json, close],
                body: Array(#"{"passphrase":"x"}"#.utf8)
            ),
            Request(method: "GET", target: "/metrics", headers: [host, bearer("admin"), close], body: []),
            Request(
                method: "DELETE",
                target: "/v1/subjects/0123456789abcdef0123456789abcdef",
                headers: [host, bearer("dpo"), close],
                body: []
            ),
            Request(
                method: "PATCH",
                target: "/v1/subjects/0123456789abcdef0123456789abcdef",
                headers: [host, bearer("dpo"), json, close],
                body: Array(#"{"set":{"name":"x"}}"#.utf8)
            ),
        ]
    }

    /// A structured mutation of `base`: method, target, a header (duplicated, dropped,
    /// replaced, added) or the body. `Connection: close` stays, and Content-Length follows
    /// the body unless the mutation is about it.
    static func mutate(_ base: Request, _ random: inout FuzzRandom, fixture: ServerFixture) -> Request {
        var request = base
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            switch Int.random(in: 0..<9, using: &random) {
            case 0:
                request.method = random.pick([
                    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get",
                ])
            case 1:
                let bytes = random.mutate(
                    Array(request.target.utf8),
                    fragments: ["%", "%zz", "?", "&", "=", "//", "/..", "#", "+", "%2B"]
                )
                let text = String(decoding: bytes.filter { $0 > 0x20 && $0 < 0x7F }, as: UTF8.self)
                request.target = text.hasPrefix("/") ? text : "/" + text
            case 2 where !request.headers.isEmpty:
                let header = random.pick(
                    request.headers.filter { $0.0 != "Connection" } + [("Authorization", "Bearer x")]
                )
                request.headers.insert(header, at: Int.random(in: 0...request.headers.count, using: &random))
            case 3:
                request.headers.removeAll { $0.0 != "Connection" && random.chance(0.3) }
            case 4:
                request.headers.append(
                    random.pick([
                        ("Transfer-Encoding", "gzip, chunked"), ("Transfer-Encoding", "chunked"),
                        ("Content-Length", "0"),
                        ("Content-Length", "3"), ("Content-Type", "text/plain"),
                        ("Content-Type", "application/json; charset=utf-8"),
                        ("Authorization", "Basic Zm9vOmJhcg=="),
                        ("Authorization", "Bearer \(fixture.tokens["analyst-eu"]!)"),
                        ("X-Request-Id", "fuzz-\(random.next() % 1000)"),
                        ("X-Request-Id", String(repeating: "r", count: 100)),
                        ("Expect", "100-continue"), ("Accept", "*/*"), ("X-Weird", "\u{7F}"),
                    ])
                )
            case 5, 6:
                request.body = random.mutate(request.body, fragments: fragments)
            case 7:
                request.body = Array(String(repeating: "\n", count: Int.random(in: 1...20_000, using: &random)).utf8)
            default:
                request.body = (0..<Int.random(in: 0...300, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            }
        }
        return request
    }

    @Test("random and mutated requests get documented answers, never a 5xx", arguments: [11, 12] as [UInt64])
    func requests(seed: UInt64) throws {
        let (fixture, host) = try EndToEndTests.serve { configuration in
            configuration.rateLimitPerSecond = 1_000_000
            configuration.rateLimitBurst = 1_000_000
            configuration.connectionTimeoutSeconds = 1
            configuration.maximumBodyBytes = 64 * 1024
        }
        defer { host.stop(grace: 1) }
        var random = FuzzRandom(seed: seed)
        let bases = Self.bases(fixture)
        var cases: [(label: String, bytes: [UInt8], head: Bool, raw: Bool)] = []
        for base in bases {
            cases.append(("base \(base.method) \(base.target)", base.serialized(), base.method == "HEAD", false))
        }
        for index in 0..<200 {
            let base = random.pick(bases)
            if index % 13 == 0 {
                // Raw bytes after the request line: anything may happen except a crash or a 5xx
                // (a mangled length may leave the server waiting until its idle timeout).
                let serialized = base.serialized()
                let lineEnd = serialized.firstIndex(of: 0x0D) ?? serialized.count
                let rest = random.mutate(Array(serialized[lineEnd...]), fragments: Self.fragments)
                cases.append(("raw \(index)", Array(serialized[..<lineEnd]) + rest, false, true))
            } else {
                let request = Self.mutate(base, &random, fixture: fixture)
                cases.append(
                    (
                        "mutated \(index): \(request.method) \(request.target)", request.serialized(),
                        request.method == "HEAD", request.misstatesLength
                    )
                )
            }
        }
        let raw = RawHTTPClient(port: host.port)
        let responses = Mutex<[Int: RawHTTPClient.Response]>([:])
        let requests = cases.map { (bytes: $0.bytes, head: $0.head) }
        // Eight clients at once, so the raw cases the server waits out overlap.
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in stride(from: worker, to: requests.count, by: 8) {
                let response = raw.exchange(requests[index].bytes, timeout: 4, headOnly: requests[index].head)
                responses.withLock { $0[index] = response }
            }
        }
        let documented = Self.documentedCodes
        let answers = responses.withLock { $0 }
        var statuses: [Int: Int] = [:]
        for (index, item) in cases.enumerated() {
            let response = try #require(answers[index])
            guard let status = response.status else {
                #expect(item.raw, "\(item.label): no response")
                continue
            }
            statuses[status, default: 0] += 1
            #expect(
                status < 500,
                "\(item.label): \(status) \(String(decoding: response.body.prefix(200), as: UTF8.self))"
            )
            guard status >= 400, !item.head else { continue }
            if let code = response.code {
                #expect(
                    documented[String(status)]?.contains(code) == true,
                    "\(item.label): \(status) \(code) undocumented"
                )
                #expect(response.json?["requestId"] is String && response.header("X-Request-Id") != nil)
            } else {
                #expect(Self.httpLayerStatuses.contains(status), "\(item.label): \(status) without a JSON error")
            }
        }
        #expect(statuses.keys.contains(200) && statuses.keys.contains(400), "\(statuses)")
        let health = raw.exchange(RawHTTPClient.request(["GET /healthz HTTP/1.1", "Host: x", "Connection: close"]))
        #expect(health.status == 200)
    }

    @Test("every error code the server's own sources send is listed in openapi.json")
    func everyCodeIsDocumented() throws {
        let documented = Set(Self.documentedCodes.values.flatMap { $0 })
        let sources = ServerFixture.packageRoot.appendingPathComponent("Sources/CordonServer")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        var found: Set<String> = []
        let pattern = try Regex(#"code: "([a-z_]+)""#)
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: pattern) {
                if let name = match.output[1].substring { found.insert(String(name)) }
            }
        }
        #expect(found.count > 10)
        #expect(found.subtracting(documented).isEmpty, "undocumented: \(found.subtracting(documented).sorted())")
    }
}
