import CordonCore

extension PageCipher {
    /// The algorithm an option names (`xchacha20-poly1305` or `aes-256-gcm`); a usage error
    /// for any other name, or for one this CPU cannot run.
    static func named(_ name: String, for command: any ParsableCommand.Type) throws -> Self {
        guard let algorithm = Self(rawValue: name) else {
            throw UsageError(
                "unknown page cipher '\(name)'; use " + allCases.map(\.rawValue).joined(separator: " or "),
                command: command
            )
        }
        guard algorithm.isAvailable else {
            throw UsageError(
                "this CPU cannot run \(name) (it lacks AES-NI or CLMUL); use xchacha20-poly1305",
                command: command
            )
        }
        return algorithm
    }
}
