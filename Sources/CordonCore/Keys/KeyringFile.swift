import Foundation

/// The JSON layout of a keyring file (`regions/<id>.keys`, `control.keys`, `audit.keys`).
///
/// Every secret in it is wrapped: KEK versions by the master key, named data keys by one
/// KEK version. Nothing in it is secret in clear; it lives outside the store it protects.
struct KeyringFile: Codable, Equatable {
    static let currentFormat = 1

    struct WrappedKEK: Codable, Equatable {
        var version: Int
        var createdAt: String
        /// XChaCha20-Poly1305 envelope, base64.
        var wrapped: String
    }

    struct WrappedDataKey: Codable, Equatable {
        var version: Int
        var kekVersion: Int
        var createdAt: String
        var wrapped: String
    }

    var format: Int
    /// The keyring's name, e.g. `region:eu` (also bound into every wrap's associated data).
    var keyring: String
    /// Which master key wrapped the KEKs (see `MasterKeyID`).
    var masterKeyID: String
    var activeKEKVersion: Int
    var keks: [WrappedKEK]
    /// Named data keys (`blind-index`, `page`, ...), each with its versions, oldest first.
    var keys: [String: [WrappedDataKey]]

    static func read(_ url: URL) throws -> KeyringFile {
        let bytes = try DurableFile.read(url)
        let file: KeyringFile
        do {
            file = try JSONDecoder().decode(KeyringFile.self, from: Data(bytes))
        } catch {
            throw KeyError(.damagedKeyFile, "\(url.path) is not a valid keyring file (\(error))", underlying: error)
        }
        guard file.format == currentFormat else {
            throw KeyError(
                .damagedKeyFile,
                "\(url.path) has keyring format \(file.format); this build reads \(currentFormat)"
            )
        }
        return file
    }

    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.write(Array(try encoder.encode(self)) + [0x0A], to: url)
    }
}
