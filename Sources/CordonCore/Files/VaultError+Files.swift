import CordonStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension VaultError {
    /// A failed write of one of Cordon's own files (a keyring, `cordon.json`, the master key,
    /// a restore copy) as the vault reports it: `storage_full` when the volume is full,
    /// `storage_unavailable` otherwise, with what was being done and what to do next.
    init(writing error: FileError, while action: String) {
        switch error.errno {
        case ENOSPC?, EDQUOT?:
            self.init(.storageFull, "the volume is full while \(action) (\(error.message)); free space and retry")
        default:
            self.init(
                .storageUnavailable,
                "a file could not be written while \(action) (\(error.message)); check the volume and retry"
            )
        }
    }

    /// Any failure of an administrative operation (a rotation) with a stable code: a
    /// ``VaultError``, ``KeyError`` or ``ControlError`` passes through; a file or store
    /// failure gets a storage code.
    static func administrative(_ error: any Error, while action: String, in store: AnchoredStore) -> any Error {
        switch error {
        case let error as FileError: VaultError(writing: error, while: action)
        case let error as StoreError: VaultError(storing: error, in: store)
        default: error
        }
    }
}
