import CordonAudit
import CordonCore
import Foundation
import Testing

@testable import CordonServer

/// Requests whose framing or identity is ambiguous are refused with 400 before any body is
/// read, over a real socket and in-process; unseal attempts are limited per client.
@Suite("HTTP hygiene")
struct HTTPHygieneTests {
    typealias Fields = [(name: String, value: String)]

    static let cases: [(String, Fields, String)] = [
        ("two Authorization", [("Authorization", "Bearer a"), ("authorization", "Bearer b")], "repeated_header"),
        (
            "two Content-Type", [("Content-Type", "application/json"), ("Content-Type", "text/plain")],
            "repeated_header"
        ),
        ("two Host", [("Host", "a"), ("Host", "b")], "repeated_header"),
        ("two Content-Length", [("Content-Length", "5"), ("Content-Length", "100")], "ambiguous_content_length"),
        ("equal Content-Lengths", [("Content-Length", "5"), ("Content-Length", "5")], "ambiguous_content_length"),
        ("a Content-Length list", [("Content-Length", "5, 5")], "ambiguous_content_length"),
        (
            "Content-Length and chunked", [("Content-Length", "5"), ("Transfer-Encoding", "chunked")],
            "content_length_with_transfer_encoding"
        ),
        ("gzip, chunked", [("Transfer-Encoding", "gzip, chunked")], "unsupported_transfer_encoding"),
        ("gzip", [("Transfer-Encoding", "gzip")], "unsupported_transfer_encoding"),
        (
            "chunked twice", [("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")],
            "unsupported_transfer_encoding"
        ),
    ]

    @Test("the framing check names each ambiguity and passes ordinary requests")
    func framingRules() {
        for (label, fields, code) in Self.cases {
            #expect(RequestFraming.problem(in: fields)?.errorCode == code, "\(label)")
            #expect(RequestFraming.problem(in: fields)?.status == 400, "\(label)")
        }
        let ordinary: [Fields] = [
            [], [("Content-Length", "12")], [("Transfer-Encoding", "Chunked")],
            [("Authorization", "Bearer a"), ("Accept", "a"), ("Accept", "b"), ("Host", "x")],
        ]
        for fields in ordinary { #expect(RequestFraming.problem(in: fields) == nil, "\(fields)") }
    }

    @Test("in-process, each ambiguity is a 400 JSON error with its code, audited as denied")
    func inProcess() throws {
        let fixture = try ServerFixture()
        for (label, fields, code) in Self.cases {
            let response = fixture.api.respond(
                to: HTTPRequest(method: "GET", target: "/v1/regions", headerFields: fields)
            )
            let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(response.status == 400 && body?["code"] as? String == code, "\(label)")
            let requestID = try #require(response.header("X-Request-Id"))
            #expect(try fixture.auditEntries(requestID: requestID).map(\.reason) == [code], "\(label)")
        }
        // A doubled Authorization whose last value is valid no longer authenticates.
        let valid = "Bearer \(fixture.tokens["dpo"]!)"
        let doubled = fixture.api.respond(
            to: HTTPRequest(
                method: "GET",
                target: "/v1/regions",
                headerFields: [("Authorization", "Bearer cordon_bogus"), ("Authorization", valid)]
            )
        )
        #expect(doubled.status == 400)
    }

    @Test("over a socket, each ambiguity is answered at once with 400 and the connection closed")
    func overASocket() throws {
        let (fixture, host) = try EndToEndTests.serve()
        defer { host.stop(grace: 1) }
        let raw = RawHTTPClient(port: host.port)
        let token = fixture.tokens["dpo"]!
        let dsr = #"{"right":"access","region":"eu","externalRef":"r"}"#
        let requests: [(String, [UInt8], String)] = [
            (
                "two Authorization, the last valid",
                RawHTTPClient.request([
                    "GET /v1/regions HTTP/1.1", "Host: x", "Authorization: Bearer cordon_bogus",
                    "Authorization: Bearer \(token)",
                ]),
                "repeated_header"
            ),
            (
                "two Content-Length",
                RawHTTPClient.request(
                    [
                        "POST /v1/dsr HTTP/1.1", "Host: x", "Authorization: Bearer \(token)",
                        "Content-Type: application/json", "Content-Length: \(dsr.utf8.count)", "Content-Length: 100",
                    ],
                    body: dsr
                ),
                "ambiguous_content_length"
            ),
            (
                "Content-Length and chunked",
                RawHTTPClient.request(
                    [
                        "POST /v1/dsr HTTP/1.1", "Host: x", "Authorization: Bearer \(token)",
                        "Content-Type: application/json", "Content-Length: 3", "Transfer-Encoding: chunked",
                    ],
                    body: String(dsr.utf8.count, radix: 16) + "\r\n" + dsr + "\r\n0\r\n\r\n"
                ),
                "content_length_with_transfer_encoding"
            ),
            (
                "gzip, chunked",
                RawHTTPClient.request(
                    [
                        "POST /v1/dsr HTTP/1.1", "Host: x", "Authorization: Bearer \(token)",
                        "Content-Type: application/json", "Transfer-Encoding: gzip, chunked",
                    ],
                    body: "5\r\nhello\r\n"
                ),
                "unsupported_transfer_encoding"
            ),
        ]
        for (label, bytes, code) in requests {
            let response = raw.exchange(bytes, timeout: 10)
            #expect(response.status == 400 && response.code == code, "\(label): \(response.status ?? 0)")
            #expect(response.seconds < 5, "\(label) took \(response.seconds) s")
            #expect(response.header("X-Request-Id") != nil)
        }
        // Chunked alone is fine, and the server still answers.
        let chunked = raw.exchange(
            RawHTTPClient.request(
                [
                    "POST /v1/dsr HTTP/1.1", "Host: x", "Authorization: Bearer \(token)",
                    "Content-Type: application/json", "Transfer-Encoding: chunked", "Connection: close",
                ],
                body: String(dsr.utf8.count, radix: 16) + "\r\n" + dsr + "\r\n0\r\n\r\n"
            )
        )
        #expect(chunked.status == 201, "\(String(decoding: chunked.body, as: UTF8.self))")
    }

    @Test("five wrong passphrases from one client do not lock out another (in-process)")
    func unsealPerClientInProcess() throws {
        let fixture = try ServerFixture(sealed: true)
        func attempt(_ passphrase: String, from address: String) -> Int {
            fixture.api.respond(
                to: HTTPRequest(
                    method: "POST",
                    target: "/v1/unseal",
                    headers: ["Content-Type": "application/json"],
                    body: Array(#"{"passphrase":"\#(passphrase)"}"#.utf8),
                    clientAddress: address
                )
            ).status
        }
        let wrong = (1...6).map { _ in attempt("wrong", from: "127.0.0.2") }
        #expect(wrong == [403, 403, 403, 403, 403, 429])
        #expect(attempt("correct horse", from: "127.0.0.1") == 200)
    }

    @Test("five wrong passphrases from 127.0.0.2 do not lock out 127.0.0.1 (over a socket)")
    func unsealPerClientOverASocket() throws {
        let fixture = try ServerFixture(sealed: true) { $0.bind = .loopback(port: 0) }
        let host = try MicroHTTPDHost(api: fixture.api)
        defer { host.stop(grace: 1) }
        let raw = RawHTTPClient(port: host.port)
        func attempt(_ passphrase: String, from address: String) -> Int? {
            let body = #"{"passphrase":"\#(passphrase)"}"#
            return raw.exchange(
                RawHTTPClient.request(
                    [
                        "POST /v1/unseal HTTP/1.1", "Host: x", "Content-Type: application/json",
                        "Content-Length: \(body.utf8.count)", "Connection: close",
                    ],
                    body: body
                ),
                from: address
            ).status
        }
        let wrong = (1...6).map { _ in attempt("wrong", from: "127.0.0.2") }
        #expect(wrong == [403, 403, 403, 403, 403, 429])
        #expect(attempt("correct horse", from: "127.0.0.1") == 200)
    }
}
