public import Foundation

/// A fresh directory under the system temporary directory, removed when released: the one
/// scratch directory of every test target.
///
/// ```swift
/// let directory = try TemporaryDirectory()
/// try Data("x".utf8).write(to: URL(filePath: directory.path("a.txt")))
/// ```
public final class TemporaryDirectory: Sendable {
    public let url: URL

    /// - Parameter prefix: the start of the directory's name, so a leftover tells which suite made it.
    public init(prefix: String = "cordon-tests") throws {
        url = try Self.create(prefix: prefix)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A fresh directory that nothing removes, for tests whose files outlive any one object.
    public static func create(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The directory's path.
    public var path: String { url.path }

    /// The path of a file in the directory.
    public func path(_ name: String) -> String {
        url.appending(path: name).path
    }

    /// The bytes of a file in the directory.
    public func contents(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url.appending(path: name)))
    }

    /// Every regular file under the directory with its bytes, to prove nothing changed.
    public func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        while let file = enumerator?.nextObject() as? URL {
            if (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                files[file.path] = try Data(contentsOf: file)
            }
        }
        return files
    }
}
