import CordonCore
import Synchronization

/// Holds the server's ``VaultSession`` (or none while sealed) with its seal state machine.
public final class VaultSlot: Sendable {
    private struct Contents: Sendable {
        var machine: SealStateMachine
        var session: VaultSession?
    }

    private let contents: Mutex<Contents>

    /// A slot that starts serving `session`, or sealed when it is `nil`.
    public init(session: VaultSession?) {
        contents = Mutex(Contents(machine: SealStateMachine(unsealed: session != nil), session: session))
    }

    /// The session requests are served from now, or `nil` while sealed or stopping.
    public var session: VaultSession? { contents.withLock { $0.session } }

    /// Whether the vault is open.
    public var isUnsealed: Bool { session != nil }

    /// Runs one unseal attempt: `open` is called outside the lock, at most once at a time.
    func unseal(_ open: () throws -> VaultSession) throws -> VaultSession {
        let action = contents.withLock { $0.machine.unsealRequested() }
        switch action {
        case .attempt: break
        case .refuseAlreadyUnsealed:
            throw APIError(status: 409, code: "already_unsealed", message: "the vault is already unsealed")
        case .refuseInProgress:
            throw APIError(status: 409, code: "unseal_in_progress", message: "another unseal attempt is running")
        case .refuseStopping: throw APIError.shuttingDown
        }
        let session: VaultSession
        do {
            session = try open()
        } catch {
            _ = contents.withLock { $0.machine.unsealFinished(succeeded: false) }
            throw error
        }
        let kept = contents.withLock { contents in
            guard contents.machine.unsealFinished(succeeded: true) else { return false }
            contents.session = session
            return true
        }
        if !kept {
            try? session.vault.close()
            throw APIError.shuttingDown
        }
        return session
    }

    /// Stops serving and closes the vault if one is open (final checkpoint, stores closed).
    public func close() throws {
        let (action, session) = contents.withLock { contents in
            let action = contents.machine.stopRequested()
            defer { contents.session = nil }
            return (action, contents.session)
        }
        if action == .closeVault, let session { try session.vault.close() }
    }
}
