import CordonStore

extension VaultError {
    /// A store failure as the vault reports it: a stable code by kind (full, damaged,
    /// unavailable) and a message that names the store and what to do next.
    init(storing error: StoreError, in store: AnchoredStore) {
        let regions = store.regions
        switch error.code {
        case .full:
            self.init(
                .storageFull,
                "the volume of \(store) is full (\(error.message)); the write was rolled back — free space and retry",
                regions: regions,
                underlying: error
            )
        case .corrupt, .notADatabase:
            self.init(
                .storeCorrupt,
                "\(store) is damaged (\(error.message)); run `cordon store verify` and restore it from a backup",
                regions: regions,
                underlying: error
            )
        case .ioError where error.isAuthenticationFailure:
            self.init(
                .storeCorrupt,
                "\(store) failed authentication (\(error.message)); run `cordon store verify` and restore it from a backup",
                regions: regions,
                underlying: error
            )
        case .ioError, .cantOpen, .permission, .readOnly:
            self.init(
                .storageUnavailable,
                "\(store) cannot be read or written (\(error.message)); check the volume and retry",
                regions: regions,
                underlying: error
            )
        default:
            self.init(.storageUnavailable, "\(store): \(error.message)", regions: regions, underlying: error)
        }
    }

    /// The codes that say a region's store cannot serve: it is damaged, full, rolled back,
    /// missing, or its volume fails. Such a failure belongs to that region alone; the
    /// others go on.
    static let storageCodes: Set<Code> = [
        .storeCorrupt, .storageFull, .storageUnavailable, .storeRolledBack, .storeMissing,
    ]

    /// Whether this is a region's store failing (not the audit trail, not the request):
    /// ``regions`` names which, and the others are not affected.
    public var isRegionStorageFailure: Bool { Self.storageCodes.contains(code) && !regions.isEmpty }

    /// The same failure, naming `region` (findings made when the vault opened name no
    /// region yet).
    func naming(_ region: RegionID) -> VaultError {
        regions.contains(region) ? self : VaultError(code, message, regions: regions + [region])
    }
}
