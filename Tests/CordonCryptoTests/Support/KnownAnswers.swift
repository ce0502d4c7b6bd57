import Foundation

/// Loads the small known-answer vector files kept in `Vectors/` (copied as a resource).
enum KnownAnswers {
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Decodes `Vectors/<name>.json` from the test bundle.
    static func load<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
            throw LoadError(description: "missing test resource Vectors/\(name).json")
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}
