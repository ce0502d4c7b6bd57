import CordonAudit
import CordonStore
public import Foundation

extension Vault {
    /// The record of processing activities for this instance (``ProcessingRecord``), with
    /// its page cipher. Audited as `ropa.generate` (it reads configuration only).
    public func processingRecord(now: Date, context: AccessContext) throws -> ProcessingRecord {
        let record = ProcessingRecord(
            configuration: configuration,
            pageCipher: pageAlgorithm.rawValue,
            generatedAt: now
        )
        try self.record(
            context,
            action: .ropaGenerate,
            regions: regionIDs,
            details: ["entries": .integer(Int64(record.entries.count))]
        )
        return record
    }
}
