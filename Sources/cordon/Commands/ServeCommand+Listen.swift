import CordonServer
import Foundation

/// `--bind`, `--tls-cert` and `--tls-key`, shared by `cordon serve` and `cordon
/// coordinator`: where the server listens, and the rule that only loopback may be plain HTTP.
enum ServeListenOptions {
    static let tlsSpecs: [ArgumentSpec] = [
        .option(.tlsCert, valueName: "FILE", help: "PEM certificate chain (with --tls-key)."),
        .option(.tlsKey, valueName: "FILE", help: "PEM private key (with --tls-cert)."),
    ]

    /// Sets `server.bind` and the TLS material from the options.
    static func apply<Command: ParsableCommand>(
        _ parsed: ParsedArguments,
        to server: inout ServerConfiguration,
        command: Command.Type
    ) throws {
        if let text = parsed.option(.bind) {
            guard let bind = BindAddress(parsing: text) else {
                throw UsageError(
                    "--bind must be IPV4:PORT or [IPV6]:PORT such as 127.0.0.1:8080 or [::1]:8080, got '\(text)'",
                    command: command
                )
            }
            server.bind = bind
        }
        switch (parsed.option(.tlsCert), parsed.option(.tlsKey)) {
        case (nil, nil): break
        case (let cert?, let key?):
            guard let certificate = FileManager.default.contents(atPath: cert),
                let privateKey = FileManager.default.contents(atPath: key)
            else { throw CLIError("cannot read --tls-cert \(cert) or --tls-key \(key)") }
            server.tlsCertificatePEM = Array(certificate)
            server.tlsKeyPEM = Array(privateKey)
        default: throw UsageError("--tls-cert and --tls-key go together", command: command)
        }
    }

    /// Plain HTTP only on loopback.
    static func validate<Command: ParsableCommand>(_ server: ServerConfiguration, command: Command.Type) throws {
        if !server.bind.isLoopback && !server.usesTLS {
            throw UsageError(
                "refusing to serve plain HTTP on \(server.bind): pass --tls-cert and --tls-key, or bind a loopback address",
                command: command
            )
        }
    }
}
