import CordonCrypto
import Dispatch
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `cordon unseal --share SHARE [--url URL]`: gives one key share to a sealed server.
struct UnsealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unseal",
        abstract: "Give one key share to a sealed `cordon serve` (POST /v1/unseal), until the threshold is met.",
        discussion: """
            For a data directory whose master key is held as shares (`cordon keys split`). Each \
            holder runs this once, on the server's host (unseal is loopback-only); the server answers \
            with the progress ("2 of 3") and unseals when the threshold is met. A wrong share makes \
            the combined key fail the master-key check: every holder gives their share again. Pass \
            --share - to read the share from stdin, which keeps it out of the process list and the \
            shell history.

            Example: cordon unseal --share - --url http://127.0.0.1:8080
            """
    )
    static let arguments: [ArgumentSpec] = [
        .option(.share, valueName: "SHARE", help: "The share: 70 hex digits or 25 words (quoted), or - for stdin."),
        .option(.url, valueName: "URL", help: "The server (default http://127.0.0.1:8080)."),
        GlobalOptions.jsonSpec,
    ]

    let share: String
    let url: URL
    let json: Bool

    init(parsed: ParsedArguments) throws {
        guard let text = parsed.option(.share) else {
            throw UsageError("--share is required (the share, or - to read it from stdin)", command: Self.self)
        }
        if text == "-" {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw UsageError("--share -: no share on stdin", command: Self.self)
            }
            share = line
        } else {
            share = text
        }
        // Checked here, so a mistyped share is caught before it is sent.
        do { _ = try KeyShare(parsing: share) } catch let error as CryptoError {
            throw UsageError("--share: \(error.message)", command: Self.self)
        }
        let address = parsed.option(.url) ?? "http://127.0.0.1:8080"
        guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https" else {
            throw UsageError("--url must be http(s)://HOST:PORT, got '\(address)'", command: Self.self)
        }
        self.url = url
        json = parsed.flag(.json)
    }

    private struct Answer: Decodable {
        var status: String?
        var sharesReceived: Int?
        var threshold: Int?
        var message: String?
        var code: String?
    }

    func run() throws {
        var request = URLRequest(url: url.appendingPathComponent("v1/unseal"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(["share": share])
        let (status, body) = try Self.send(request)
        if json {
            Output.standardOutput(String(decoding: body, as: UTF8.self))
        }
        let answer = try? JSONDecoder().decode(Answer.self, from: body)
        switch status {
        case 200:
            if !json { Output.line("Unsealed: the server at \(url.absoluteString) is serving.") }
        case 202:
            if !json {
                Output.line(
                    "Share accepted: \(answer?.sharesReceived ?? 0) of \(answer?.threshold ?? 0); the next holder runs `cordon unseal` too."
                )
            }
        default:
            throw CLIError(
                "the server refused the share (\(status) \(answer?.code ?? "")): \(answer?.message ?? String(decoding: body, as: UTF8.self))"
            )
        }
    }

    /// Sends `request` and waits for the answer (the CLI is synchronous).
    private static func send(_ request: URLRequest) throws -> (Int, Data) {
        final class Result: @unchecked Sendable {
            // @unchecked Sendable: written once by the completion handler before it signals
            // the semaphore, read only after `wait()` returns.
            var status = 0
            var data = Data()
            var error: (any Error)?
        }
        let result = Result()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            result.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            result.data = data ?? Data()
            result.error = error
            done.signal()
        }.resume()
        done.wait()
        if let error = result.error {
            throw CLIError(
                "cannot reach \(request.url?.absoluteString ?? "the server"): \(error.localizedDescription); is `cordon serve` running there?"
            )
        }
        return (result.status, result.data)
    }
}
