import CordonStore
import Foundation

/// `<data>/control.db`: the instance-wide records that belong to no region — the
/// data-subject-request register and erasure tombstones now; tokens and the
/// privacy-budget ledger later.
///
/// One ``DatabaseQueue`` serializes every access, so a store may be shared across
/// threads. Each write is one immediate transaction, durable (WAL, `synchronous=FULL`)
/// before the call returns.
///
/// ```swift
/// let control = try ControlStore.open(dataDirectory: URL(filePath: "/var/lib/cordon"))
/// let register = DSRRegister(store: control, configuration: configuration)
/// ```
final class ControlStore: Sendable {
    /// The file name inside the data directory.
    static let fileName = "control.db"

    /// The database file.
    let url: URL

    /// The connection; use ``read(_:_:)`` and ``write(_:_:)``, which map store errors.
    let queue: DatabaseQueue

    private init(url: URL, queue: DatabaseQueue) {
        self.url = url
        self.queue = queue
    }

    /// Opens (and migrates if needed) `control.db` in an existing data directory.
    ///
    /// - Parameters:
    ///   - dataDirectory: The data directory; it must exist (`cordon init` creates it).
    ///   - configuration: How to open the file. The default is a plain SQLite file with
    ///     WAL, `synchronous=FULL` and `secure_delete`; an encrypting VFS is selected
    ///     through its `vfsName` and page-key settings.
    ///   - create: Whether a missing file may be created. Only `cordon init` passes `true`:
    ///     a `control.db` missing from an initialized directory was deleted, and
    ///     recreating it empty would silently drop tokens, the DSR register, erasure
    ///     records and budgets.
    /// - Throws: ``ControlError`` with ``ControlError/Code/notInitialized`` when the
    ///   directory is missing, ``ControlError/Code/missing`` when the file is and `create`
    ///   is false, ``ControlError/Code/storage`` when the file cannot be opened or has a
    ///   newer schema than this build.
    static func open(
        dataDirectory: URL,
        configuration: CordonStore.Configuration = CordonStore.Configuration(),
        create: Bool = false
    ) throws -> ControlStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataDirectory.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw ControlError(
                .notInitialized,
                "\(dataDirectory.path) does not exist; run `cordon init --data \(dataDirectory.path)` first"
            )
        }
        let url = dataDirectory.appendingPathComponent(fileName)
        guard create || FileManager.default.fileExists(atPath: url.path) else {
            throw ControlError(
                .missing,
                "\(url.path) is missing: it holds the API tokens, the DSR register, erasure records and privacy budgets, and only `cordon init` creates it; restore it from a backup (Cordon never recreates it empty)"
            )
        }
        do {
            let queue = try DatabaseQueue(path: url.path, configuration: configuration, migrator: schema)
            return ControlStore(url: url, queue: queue)
        } catch let error as StoreError {
            throw ControlError(storing: error, while: "open")
        }
    }

    /// The schema version this build creates and understands.
    static var schemaVersion: Int { schema.latestVersion }

    /// Runs `body` in an immediate transaction, rolled back when it throws. A
    /// ``ControlError`` thrown by `body` passes through; a `StoreError` becomes a
    /// ``ControlError`` naming `action`.
    func write<T: Sendable>(_ action: String, _ body: (Connection) throws -> T) throws -> T {
        do {
            return try queue.write(body)
        } catch let error as StoreError {
            throw ControlError(storing: error, while: action)
        }
    }

    /// The store's anchor: its commit counter and last batch (decision 0005).
    func anchor() throws -> StoreAnchor {
        try read("read its anchor") { db in try StoreState.anchor(in: db) }
    }

    /// Runs `body` read-only, mapping errors as ``write(_:_:)`` does.
    func read<T: Sendable>(_ action: String, _ body: (Connection) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch let error as StoreError {
            throw ControlError(storing: error, while: action)
        }
    }
}

extension ControlError {
    /// Wraps a store failure with a next step that fits its code.
    ///
    /// `StoreError`'s own message never contains bound values, so it is safe to repeat.
    init(storing error: StoreError, while action: String) {
        let advice: String
        switch error.code {
        case .busy, .locked:
            advice = "another cordon process holds control.db; retry when it is done"
        case .full:
            advice = "free disk space and retry"
        case .notADatabase, .corrupt, .ioError:
            advice = "control.db is damaged or opened with the wrong key; restore it from a backup"
        case .schemaTooNew:
            advice = "upgrade cordon"
        case .cantOpen, .permission, .readOnly:
            advice = "check that the data directory is writable by this user"
        default:
            advice = "see the cause above; the change was rolled back"
        }
        self.init(.storage, "cannot \(action) in control.db: \(error.message); \(advice)", underlying: error)
    }
}
