import CordonStore
public import Foundation

/// `<data>/cordon.json`: what `cordon init` set up, read on every open.
///
/// Written last by `init`, so its presence means the data directory is complete.
public struct InstanceConfiguration: Codable, Sendable, Equatable {
    /// How the master key is obtained and which key it must be.
    public struct MasterKeyRecord: Codable, Sendable, Equatable {
        /// `file` or `passphrase`.
        public var kind: String
        /// The public id of the master key (see `MasterKeyID`), checked on every open.
        public var id: String
    }

    public static let currentFormat = 1
    public static let fileName = "cordon.json"

    public var format: Int
    public var createdAt: String
    public var masterKey: MasterKeyRecord
    /// The regions this instance stores data for.
    public var regions: [String]
    /// The page AEAD for stores created from now on (`xchacha20-poly1305`, the default
    /// when absent, or `aes-256-gcm`); each store keeps the one it was created with.
    public var pageCipher: String? = nil
    /// The nodes that serve other regions, by region id (`https://us.example:8443`), set by
    /// `cordon init --node` (decision 0024); absent when this instance holds every region.
    public var nodes: [String: String]? = nil

    /// ``pageCipher`` as an algorithm, refusing a name this build does not know.
    func pageAlgorithm() throws -> PageEncryption.Algorithm {
        guard let pageCipher else { return .xChaCha20Poly1305 }
        guard let algorithm = PageEncryption.Algorithm(rawValue: pageCipher) else {
            throw KeyError(
                .damagedKeyFile,
                "\(Self.fileName) names page cipher '\(pageCipher)'; this build knows "
                    + PageEncryption.Algorithm.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        return algorithm
    }

    static func url(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent(fileName)
    }

    /// Whether `dataDirectory` has been initialized.
    public static func exists(in dataDirectory: URL) -> Bool {
        FileManager.default.fileExists(atPath: url(in: dataDirectory).path)
    }

    /// Reads `cordon.json`, with errors that say what to do.
    public static func read(from dataDirectory: URL) throws -> InstanceConfiguration {
        let url = url(in: dataDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw KeyError(
                .notInitialized,
                "\(dataDirectory.path) is not a Cordon data directory (no \(fileName)); run `cordon init --data \(dataDirectory.path)`"
            )
        }
        let configuration: InstanceConfiguration
        do {
            configuration = try JSONDecoder().decode(InstanceConfiguration.self, from: Data(try DurableFile.read(url)))
        } catch let error as FileError {
            throw error
        } catch {
            throw KeyError(.damagedKeyFile, "\(url.path) is not valid: \(error)", underlying: error)
        }
        guard configuration.format == currentFormat else {
            throw KeyError(
                .damagedKeyFile,
                "\(url.path) has format \(configuration.format); this build reads \(currentFormat)"
            )
        }
        return configuration
    }

    func write(to dataDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.write(Array(try encoder.encode(self)) + [0x0A], to: Self.url(in: dataDirectory))
    }

    /// Reads, changes and atomically rewrites `cordon.json`.
    static func update(in dataDirectory: URL, _ change: (inout InstanceConfiguration) -> Void) throws {
        var configuration = try read(from: dataDirectory)
        change(&configuration)
        try configuration.write(to: dataDirectory)
    }
}
