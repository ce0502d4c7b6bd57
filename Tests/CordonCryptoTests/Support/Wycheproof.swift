import Foundation

/// Project Wycheproof vector files, kept in the test bundle (`Vectors/wycheproof`, with
/// their licence), as swift-crypto keeps its copies.
enum Wycheproof {
    /// A Wycheproof file: its groups hold the vectors.
    struct File<Group: Decodable>: Decodable {
        let algorithm: String
        let numberOfTests: Int
        let testGroups: [Group]
    }

    /// Wycheproof's verdict for a vector.
    enum Result: String, Decodable {
        /// Must be accepted and produce the expected output.
        case valid
        /// Must be refused.
        case invalid
        /// Either answer is compliant (legacy or edge-case encodings).
        case acceptable
    }

    struct MissingData: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "Wycheproof vectors not found at \(path): the test bundle lacks Vectors/wycheproof"
        }
    }

    /// `Vectors/wycheproof` in the test bundle.
    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Vectors/wycheproof", isDirectory: true)
    }

    /// Decodes `<name>.json`; a missing file is an error, never a silent pass.
    static func load<Group: Decodable>(_ name: String, groups: Group.Type) throws -> File<Group> {
        let url = directory.appendingPathComponent("\(name).json")
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingData(path: url.path) }
        return try JSONDecoder().decode(File<Group>.self, from: Data(contentsOf: url))
    }
}
