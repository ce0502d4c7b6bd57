/// The server's seal lifecycle (STYLE item 11): sealed until the master key arrives,
/// unsealing while one attempt derives keys and opens the vault, serving, then stopping.
/// No I/O here: events return the action the caller must take.
struct SealStateMachine: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case sealed
        /// One unseal attempt is opening the vault; others are refused meanwhile.
        case unsealing
        case serving
        case stopping
    }

    enum UnsealAction: Sendable, Equatable {
        /// Open the vault with the supplied key, then report ``unsealFinished(succeeded:)``.
        case attempt
        case refuseAlreadyUnsealed
        case refuseInProgress
        case refuseStopping
    }

    enum StopAction: Sendable, Equatable {
        /// Close the open vault.
        case closeVault
        /// Nothing is open (sealed); just stop.
        case nothing
    }

    private(set) var state: State

    /// Starts sealed or, when the key was available at start, serving.
    init(unsealed: Bool) {
        state = unsealed ? .serving : .sealed
    }

    mutating func unsealRequested() -> UnsealAction {
        switch state {
        case .sealed:
            state = .unsealing
            return .attempt
        case .unsealing: return .refuseInProgress
        case .serving: return .refuseAlreadyUnsealed
        case .stopping: return .refuseStopping
        }
    }

    /// The attempt ended; a success serves, a failure returns to sealed. Returns whether
    /// the opened vault should be kept (a stop may have arrived meanwhile).
    mutating func unsealFinished(succeeded: Bool) -> Bool {
        guard state == .unsealing else { return false }
        state = succeeded ? .serving : .sealed
        return succeeded
    }

    mutating func stopRequested() -> StopAction {
        defer { state = .stopping }
        return state == .serving ? .closeVault : .nothing
    }
}
