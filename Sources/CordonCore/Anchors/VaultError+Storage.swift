import CordonStore

extension VaultError {
    /// A store failure as the vault reports it: a stable code by kind (full, damaged,
    /// unavailable) and a message that names the store and what to do next.
    init(storing error: StoreError, in store: AnchoredStore) {
        switch error.code {
        case .full:
            self.init(
                .storageFull,
                "the volume of \(store) is full (\(error.message)); the write was rolled back — free space and retry"
            )
        case .corrupt, .notADatabase:
            self.init(
                .storeCorrupt,
                "\(store) is damaged (\(error.message)); run `cordon store verify` and restore it from a backup"
            )
        case .ioError where error.isAuthenticationFailure:
            self.init(
                .storeCorrupt,
                "\(store) failed authentication (\(error.message)); run `cordon store verify` and restore it from a backup"
            )
        case .ioError, .cantOpen, .permission, .readOnly:
            self.init(
                .storageUnavailable,
                "\(store) cannot be read or written (\(error.message)); check the volume and retry"
            )
        default:
            self.init(.storageUnavailable, "\(store): \(error.message)")
        }
    }
}
