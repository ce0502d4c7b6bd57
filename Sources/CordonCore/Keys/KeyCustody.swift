public import Foundation

/// How a data directory's master key is held when it was split into shares
/// (`<data>/custody.json`, decision 0020): how many shares, how many unseal, which key.
///
/// Public facts only — never a share. A server that starts without the master key reads
/// it to know how many shares `POST /v1/unseal` must collect.
public struct KeyCustody: Codable, Sendable, Equatable {
    public static let fileName = "custody.json"
    static let currentFormat = 1

    public var format: Int
    /// `shamir-gf256` (libgfshare).
    public var scheme: String
    /// How many shares were printed.
    public var shares: Int
    /// How many of them recover the key.
    public var threshold: Int
    /// The id of the key they recover (``KeyHierarchy/masterKeyID``); a key combined from
    /// shares is checked against `cordon.json`'s id, the same check as any master key.
    public var masterKeyID: String
    public var splitAt: String
    /// Whether the key file was removed after the split (`--remove-key-file`): then the
    /// shares are the only way to the key.
    public var keyFileRemoved: Bool

    static func url(in dataDirectory: URL) -> URL { dataDirectory.appendingPathComponent(fileName) }

    /// The custody record of `dataDirectory`, or nil when its key was never split.
    public static func read(from dataDirectory: URL) throws -> KeyCustody? {
        let url = url(in: dataDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let custody = try JSONDecoder().decode(KeyCustody.self, from: Data(try DurableFile.read(url)))
            guard custody.format == currentFormat, custody.scheme == "shamir-gf256",
                (2...custody.shares).contains(custody.threshold)
            else {
                throw KeyError(.damagedKeyFile, "\(url.path) is not a custody record this build reads")
            }
            return custody
        } catch let error as KeyError {
            throw error
        } catch {
            throw KeyError(.damagedKeyFile, "\(url.path) is not a valid custody record (\(error))", underlying: error)
        }
    }

    func write(to dataDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.write(
            Array(try encoder.encode(self)) + [0x0A],
            to: Self.url(in: dataDirectory),
            permissions: 0o644
        )
    }
}
