/// What the tamper matrix expects of each case: detected by which command, with which
/// words; or why it cannot be (listed in docs/RELIABILITY.md with the mitigation).
enum TamperExpectation: Sendable {
    /// `detector` (the first an operator meets) refuses, with `message` in its words (one of
    /// several, separated by `|`).
    case detected(by: Detector, message: String)
    /// Nothing to tamper with (the file kind has no such manipulation, or the old copy is
    /// the same file).
    case notApplicable(String)
    /// Not detected, by design or as a documented limit: why.
    case undetected(String)

    static func of(_ file: TamperedFile, _ manipulation: Manipulation) -> TamperExpectation {
        switch (file, manipulation) {
        // Region stores: pages authenticate, the anchor in the trail catches old and
        // foreign copies, the extent check catches a cut file.
        case (.regionStore, .flip):
            .detected(by: .storeVerify, message: "1 pages and 0 WAL frames failed authentication")
        case (.regionStore, .truncate): .detected(by: .anyCommand, message: "region store eu is damaged")
        case (.regionStore, .delete):
            .detected(by: .anyCommand, message: "is missing, but the audit trail records its commit")
        case (.regionStore, .swap): .detected(by: .anyCommand, message: "wrong page key or not a Cordon store")
        case (.regionStore, .replay): .undetected(Limit.pageReplay)
        case (.regionStore, .rollBack):
            .detected(by: .anyCommand, message: "the file is older than its audited state")
        case (.regionStore, .dropLastWrite): .undetected(Limit.lastWrite)
        case (.regionWAL, .flip), (.regionWAL, .delete), (.regionWAL, .swap):
            .detected(by: .anyCommand, message: "the file is older than its audited state")
        case (.regionWAL, .truncate): .detected(by: .anyCommand, message: "the file is older than its audited state")
        case (.regionWAL, .dropLastWrite), (.controlWAL, .dropLastWrite): .notApplicable(NotApplicable.storeRow)
        case (.regionWAL, _): .notApplicable(NotApplicable.noOldWAL)

        // control.db: the same checks; its anchor advances only with writes that go through
        // the anchored door, which tokens, budgets and the DSR register do not yet do here.
        case (.controlStore, .flip):
            .detected(by: .storeVerify, message: "1 pages and 0 WAL frames failed authentication")
        case (.controlStore, .truncate): .detected(by: .anyCommand, message: "control.db is damaged")
        case (.controlStore, .delete): .detected(by: .anyCommand, message: "control.db is missing")
        case (.controlStore, .swap): .detected(by: .anyCommand, message: "wrong page key or not a Cordon store")
        case (.controlStore, .replay): .undetected(Limit.pageReplay)
        case (.controlStore, .dropLastWrite): .undetected(Limit.lastWrite)
        case (.controlStore, .rollBack), (.controlWAL, .flip), (.controlWAL, .truncate), (.controlWAL, .delete):
            .detected(by: .anyCommand, message: "the file is older than its audited state")
        case (.controlWAL, _): .notApplicable(NotApplicable.noOldWAL)

        // Keys: every key file is bound to its keyring, version and master key.
        case (.regionKeyring, .flip), (.regionKeyring, .truncate), (.controlKeyring, .flip),
            (.controlKeyring, .truncate), (.auditKeyring, .flip), (.auditKeyring, .truncate):
            .detected(by: .anyCommand, message: "is not a valid keyring file")
        case (.regionKeyring, .delete), (.controlKeyring, .delete), (.auditKeyring, .delete):
            .detected(by: .anyCommand, message: "no keyring")
        case (.regionKeyring, .swap): .detected(by: .anyCommand, message: "holds keyring region:uk, not region:eu")
        case (.controlKeyring, .swap): .detected(by: .anyCommand, message: "holds keyring control, not audit")
        case (.auditKeyring, .swap), (.regionKeyring, .replay), (.controlKeyring, .replay), (.auditKeyring, .replay):
            .detected(by: .anyCommand, message: "does not authenticate under the master key")
        case (.masterKey, .flip), (.masterKey, .swap), (.masterKey, .replay), (.instanceConfiguration, .flip),
            (.instanceConfiguration, .swap), (.instanceConfiguration, .replay):
            .detected(by: .anyCommand, message: "does not open")
        case (.masterKey, .truncate): .detected(by: .anyCommand, message: "must hold a 32-byte key")
        case (.masterKey, .delete), (.masterKDF, .delete): .detected(by: .anyCommand, message: "does not exist")
        case (.masterKDF, .flip):
            // A flipped character of the salt is still base64 or not: a wrong key, or no record.
            .detected(by: .anyCommand, message: "does not open|is not a valid Argon2id salt record")
        case (.masterKDF, .truncate): .detected(by: .anyCommand, message: "is not a valid Argon2id salt record")
        case (.masterKDF, .swap), (.masterKDF, .replay): .notApplicable(NotApplicable.onePassphraseInstance)
        case (.instanceConfiguration, .truncate): .detected(by: .anyCommand, message: "is not valid")
        case (.instanceConfiguration, .delete): .detected(by: .anyCommand, message: "is not a Cordon data directory")

        // The audit trail: a Merkle log with signed checkpoints; control.db witnesses the newest.
        case (.auditSegment, .flip): .detected(by: .verifyPy, message: "does not verify")
        case (.auditSegment, .truncate): .detected(by: .verifyPy, message: "is not the last segment")
        case (.auditSegment, .delete), (.auditSegment, .replay):
            .detected(by: .verifyPy, message: "entries are missing or reordered")
        case (.auditSegment, .swap): .detected(by: .verifyPy, message: "is missing or out of order")
        case (.numberedCheckpoint, .flip), (.latestCheckpoint, .flip):
            .detected(by: .verifyPy, message: "has no signature by key")
        case (.numberedCheckpoint, .truncate), (.latestCheckpoint, .truncate):
            .detected(by: .verifyPy, message: "is malformed")
        case (.numberedCheckpoint, .swap), (.latestCheckpoint, .swap):
            .detected(by: .auditVerify, message: "holds tree size")
        case (.numberedCheckpoint, .delete), (.latestCheckpoint, .delete), (.latestCheckpoint, .replay):
            .undetected(Limit.redundantCheckpoint)
        case (.auditDirectory, .delete): .detected(by: .anyCommand, message: "the audit trail")
        case (.auditDirectory, .swap): .detected(by: .verifyPy, message: "has no signature by key")
        case (.auditDirectory, .rollBack):
            .detected(by: .anyCommand, message: "control.db witnessed a signed checkpoint")
        case (.dataDirectory, .rollBack):
            .detected(by: .savedCheckpoint, message: "rolled back: the saved checkpoint has")

        case (.regionKeyring, .rollBack), (.controlKeyring, .rollBack), (.auditKeyring, .rollBack),
            (.masterKey, .rollBack),
            (.masterKDF, .rollBack), (.instanceConfiguration, .rollBack), (.auditSegment, .rollBack),
            (.numberedCheckpoint, .rollBack), (.latestCheckpoint, .rollBack):
            .notApplicable(NotApplicable.noWAL)
        case (.numberedCheckpoint, .replay): .notApplicable(NotApplicable.unchanged)
        case (_, .dropLastWrite): .notApplicable(NotApplicable.notAStore)
        case (.auditDirectory, _), (.dataDirectory, _): .notApplicable(NotApplicable.directory)
        }
    }

    /// Why a case is not detected (quoted in docs/RELIABILITY.md).
    enum Limit {
        static let pageReplay =
            "an old copy of the main file under the current WAL: every page authenticates (same key, same database id) and the anchor page comes from the WAL, so the store reads as current; only the pages the WAL does not hold are old (the single-page replay limit of decisions 0004 and 0005)"
        static let lastWrite =
            "a store one write behind the trail, at the position the trail states before that write, is what a crash between the write's entry and its COMMIT leaves: it is accepted, and the trail records store.recovered naming the write (decision 0005)"
        static let redundantCheckpoint =
            "checkpoints are signed summaries of entries that stay in the log: a deleted one is signed again, an older `latest` is superseded by the newest numbered file, and the newest is also witnessed in control.db"
    }

    enum NotApplicable {
        static let noOldWAL = "the old copy was closed cleanly and has no WAL"
        static let noWAL = "the file has no WAL: rolling it back is replaying it"
        static let unchanged = "this checkpoint is the same file in the old copy"
        static let onePassphraseInstance = "one passphrase instance, whose salt never changed"
        static let directory = "a directory: only deleted, swapped or rolled back whole"
        static let notAStore = "not a store: it has no commits"
        static let storeRow = "the store's row: its WAL is cut after the last commit but one"
    }
}
