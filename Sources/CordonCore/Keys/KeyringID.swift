import Foundation

/// Names a keyring and where its file lives in a data directory.
public enum KeyringID: Hashable, Sendable, CustomStringConvertible {
    /// A region's keys: `regions/<id>.keys`.
    case region(String)
    /// The control store's keys (tokens, budgets, DSR register): `control.keys`.
    case control
    /// The audit trail's keys (checkpoint signing, pseudonyms): `audit.keys`.
    case audit

    /// The name bound into every wrap of this keyring.
    public var description: String {
        switch self {
        case .region(let id): "region:\(id)"
        case .control: "control"
        case .audit: "audit"
        }
    }

    /// The data keys a new keyring of this kind is created with.
    var initialDataKeys: [Keyring.DataKeyName] {
        switch self {
        case .region: [.blindIndex, .page]
        case .control: [.page, .tokenHash]
        case .audit: [.auditSigningSeed, .auditPseudonym]
        }
    }

    func url(in dataDirectory: URL) -> URL {
        switch self {
        case .region(let id): dataDirectory.appendingPathComponent("regions/\(id).keys")
        case .control: dataDirectory.appendingPathComponent("control.keys")
        case .audit: dataDirectory.appendingPathComponent("audit.keys")
        }
    }

    /// Every keyring present in a data directory.
    static func present(in dataDirectory: URL) -> [KeyringID] {
        var found: [KeyringID] = []
        for fixed in [KeyringID.control, .audit]
        where FileManager.default.fileExists(atPath: fixed.url(in: dataDirectory).path) {
            found.append(fixed)
        }
        let regions =
            (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.appendingPathComponent("regions").path))
            ?? []
        for file in regions.sorted() where file.hasSuffix(".keys") {
            found.append(.region(String(file.dropLast(5))))
        }
        return found
    }
}
