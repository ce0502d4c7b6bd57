/// The action an audit entry names, such as `subject.erase`: a known value per operation,
/// so a misspelled action fails to compile. The raw values are what the trail stores and
/// DPOs search for; they never change.
///
/// ```swift
/// try record(context, action: .subjectErase, regions: [region], subjects: [id])
/// ```
public struct AuditAction: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    private init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// Every action Cordon writes, for tests and documentation.
    public static let all: [AuditAction] = [
        .instanceInit,
        .instanceReinit,
        .instanceClose,
        .keysRotateMaster,
        .keysRotateKek,
        .keysRotatePages,
        .keysSplit,
        .keysCombine,
        .keysKeyFileRemove,
        .serverUnseal,
        .ingestSubjects,
        .ingestEvents,
        .ingestResponse,
        .ingestKeysExpire,
        .subjectLookup,
        .subjectExport,
        .subjectRectify,
        .subjectConsent,
        .subjectErase,
        .subjectReceipt,
        .subjectTombstone,
        .retentionRun,
        .retentionDelete,
        .retentionExpire,
        .dsrOpen,
        .dsrExtend,
        .dsrComplete,
        .dsrRecord,
        .dsrList,
        .dsrShow,
        .breachOpen,
        .breachUpdate,
        .breachNotify,
        .breachClose,
        .breachList,
        .breachShow,
        .breachScope,
        .breachNotice,
        .transferRequest,
        .transferList,
        .ropaGenerate,
        .queryRun,
        .queryRelay,
        .queryExplain,
        .queryBudget,
        .querySave,
        .querySavedList,
        .tokenCreate,
        .tokenRevoke,
        .authFailure,
        .httpRequest,
        .requestMisdirected,
        .storeVerify,
        .storeRestore,
        .storeUnavailable,
        .storeRecovered,
        .backupCreate,
        .backupRestore,
        .auditRecovered,
        .auditRelay,
        .witnessCosign,
        .witnessAlarm,
        .witnessFailed,
        .witnessReceive,
        .witnessList,
    ]

    // MARK: Instance and keys
    /// `instance.init`: `cordon init` created the data directory.
    public static let instanceInit = AuditAction("instance.init")
    /// `instance.reinit`: `cordon init` ran again over an initialized directory.
    public static let instanceReinit = AuditAction("instance.reinit")
    /// `instance.close`: A clean close, stating the anchor each written store reached.
    public static let instanceClose = AuditAction("instance.close")
    /// `keys.rotate.master`: The master key was rotated.
    public static let keysRotateMaster = AuditAction("keys.rotate.master")
    /// `keys.rotate.kek`: Region key-encryption keys were rotated.
    public static let keysRotateKek = AuditAction("keys.rotate.kek")
    /// `keys.rotate.pages`: A region store was re-sealed under a new page key.
    public static let keysRotatePages = AuditAction("keys.rotate.pages")
    /// `keys.split`: The master key was split into Shamir shares.
    public static let keysSplit = AuditAction("keys.split")
    /// `keys.combine`: Shares were combined back into the master key.
    public static let keysCombine = AuditAction("keys.combine")
    /// `keys.keyfile.remove`: The master key file was removed after a split.
    public static let keysKeyFileRemove = AuditAction("keys.keyfile.remove")
    /// `server.unseal`: The server was unsealed.
    public static let serverUnseal = AuditAction("server.unseal")

    // MARK: Subjects and their rights
    /// `ingest.subjects`: A batch of subjects was ingested.
    public static let ingestSubjects = AuditAction("ingest.subjects")
    /// `ingest.events`: A batch of events was ingested.
    public static let ingestEvents = AuditAction("ingest.events")
    /// `ingest.response`: An idempotent ingest response was recorded.
    public static let ingestResponse = AuditAction("ingest.response")
    /// `ingest.keys.expire`: Expired idempotency keys were deleted.
    public static let ingestKeysExpire = AuditAction("ingest.keys.expire")
    /// `subject.lookup`: A subject was looked up by reference.
    public static let subjectLookup = AuditAction("subject.lookup")
    /// `subject.export`: A subject's data was exported (GDPR Art. 15, 20).
    public static let subjectExport = AuditAction("subject.export")
    /// `subject.rectify`: A subject's data was rectified (GDPR Art. 16).
    public static let subjectRectify = AuditAction("subject.rectify")
    /// `subject.consent`: A subject's consent changed (GDPR Art. 7(3)).
    public static let subjectConsent = AuditAction("subject.consent")
    /// `subject.erase`: A subject was erased (GDPR Art. 17).
    public static let subjectErase = AuditAction("subject.erase")
    /// `subject.receipt`: A signed erasure receipt was issued.
    public static let subjectReceipt = AuditAction("subject.receipt")
    /// `subject.tombstone`: An erasure tombstone was written.
    public static let subjectTombstone = AuditAction("subject.tombstone")
    /// `retention.run`: A retention run started.
    public static let retentionRun = AuditAction("retention.run")
    /// `retention.delete`: A retention run deleted expired events.
    public static let retentionDelete = AuditAction("retention.delete")
    /// `retention.expire`: A subject past its retention period was erased.
    public static let retentionExpire = AuditAction("retention.expire")

    // MARK: Registers
    /// `dsr.open`: A data-subject request was opened.
    public static let dsrOpen = AuditAction("dsr.open")
    /// `dsr.extend`: A data-subject request's deadline was extended.
    public static let dsrExtend = AuditAction("dsr.extend")
    /// `dsr.complete`: A data-subject request was completed.
    public static let dsrComplete = AuditAction("dsr.complete")
    /// `dsr.record`: An action was recorded against a data-subject request.
    public static let dsrRecord = AuditAction("dsr.record")
    /// `dsr.list`: The data-subject requests were listed.
    public static let dsrList = AuditAction("dsr.list")
    /// `dsr.show`: One data-subject request was read.
    public static let dsrShow = AuditAction("dsr.show")
    /// `breach.open`: A breach was opened.
    public static let breachOpen = AuditAction("breach.open")
    /// `breach.update`: A breach was updated.
    public static let breachUpdate = AuditAction("breach.update")
    /// `breach.notify`: A breach notification was recorded.
    public static let breachNotify = AuditAction("breach.notify")
    /// `breach.close`: A breach was closed.
    public static let breachClose = AuditAction("breach.close")
    /// `breach.list`: The breaches were listed.
    public static let breachList = AuditAction("breach.list")
    /// `breach.show`: One breach was read.
    public static let breachShow = AuditAction("breach.show")
    /// `breach.scope`: A breach's scope was computed from the trail.
    public static let breachScope = AuditAction("breach.scope")
    /// `breach.notice`: A breach notice was drafted.
    public static let breachNotice = AuditAction("breach.notice")
    /// `transfer.request`: A cross-border transfer was requested.
    public static let transferRequest = AuditAction("transfer.request")
    /// `transfer.list`: The transfers were listed.
    public static let transferList = AuditAction("transfer.list")
    /// `ropa.generate`: The record of processing activities was generated (GDPR Art. 30).
    public static let ropaGenerate = AuditAction("ropa.generate")

    // MARK: Queries
    /// `query.run`: An aggregate query ran (or was refused).
    public static let queryRun = AuditAction("query.run")
    /// `query.relay`: A coordinator relayed an analyst's query to the region nodes and merged
    /// their releases (or refused it); names the nodes asked and the regions unavailable
    /// (decision 0027).
    public static let queryRelay = AuditAction("query.relay")
    /// `query.explain`: A query plan was explained.
    public static let queryExplain = AuditAction("query.explain")
    /// `query.budget`: An analyst's privacy budget was read.
    public static let queryBudget = AuditAction("query.budget")
    /// `query.save`: A query was saved.
    public static let querySave = AuditAction("query.save")
    /// `query.saved.list`: The saved queries were listed.
    public static let querySavedList = AuditAction("query.saved.list")

    // MARK: Tokens and requests
    /// `token.create`: An API token was created.
    public static let tokenCreate = AuditAction("token.create")
    /// `token.revoke`: An API token was revoked.
    public static let tokenRevoke = AuditAction("token.revoke")
    /// `auth.failure`: A request failed authentication.
    public static let authFailure = AuditAction("auth.failure")
    /// `http.request`: A request no vault operation recorded (a read, a refusal, a failure).
    public static let httpRequest = AuditAction("http.request")
    /// `request.misdirected`: A request for a region this node does not hold was refused
    /// with 421, naming the node that serves it (decision 0024); no line or subject is stored.
    public static let requestMisdirected = AuditAction("request.misdirected")

    // MARK: Stores, backups and the trail
    /// `store.verify`: The stores were verified.
    public static let storeVerify = AuditAction("store.verify")
    /// `store.restore`: A store or control.db was restored from a backup.
    public static let storeRestore = AuditAction("store.restore")
    /// `store.unavailable`: A store was taken out of service.
    public static let storeUnavailable = AuditAction("store.unavailable")
    /// `store.recovered`: A write found aborted by a crash was recovered.
    public static let storeRecovered = AuditAction("store.recovered")
    /// `backup.create`: A backup was written.
    public static let backupCreate = AuditAction("backup.create")
    /// `backup.restore`: A backup was restored.
    public static let backupRestore = AuditAction("backup.restore")
    /// `audit.recovered`: The audit trail recovered from an outage (written by CordonAudit itself).
    public static let auditRecovered = AuditAction("audit.recovered")
    /// `audit.relay`: A coordinator fanned a DPO's view of the trails out to the region nodes
    /// (every node's checkpoint, or a search by action and time); names the nodes asked and
    /// those that gave no answer (decision 0027).
    public static let auditRelay = AuditAction("audit.relay")

    // MARK: Witnessing (decision 0025)
    /// `witness.cosign`: A peer's checkpoint was verified consistent and cosigned.
    public static let witnessCosign = AuditAction("witness.cosign")
    /// `witness.alarm`: A peer's trail was found cut or forked; it was not cosigned.
    public static let witnessAlarm = AuditAction("witness.alarm")
    /// `witness.failed`: A witnessing round could not finish (peer unreachable, bad signature).
    public static let witnessFailed = AuditAction("witness.failed")
    /// `witness.receive`: A witness's cosignature of this node's trail was received (or refused).
    public static let witnessReceive = AuditAction("witness.receive")
    /// `witness.list`: The cosignatures received and the peers witnessed were read.
    public static let witnessList = AuditAction("witness.list")
}
