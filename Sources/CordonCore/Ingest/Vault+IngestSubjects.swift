import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

extension Vault {
    /// Ingests subject lines: validates each, routes it to its region by country, checks
    /// the region's policy, and upserts it — sealing PII under the subject's DEK — in
    /// batched transactions, each audited before it commits. A refused line stores nothing
    /// of itself and never stops the batch.
    public func ingestSubjects(
        from reader: LineReader, context: AccessContext, options: IngestOptions = IngestOptions(),
        onReject: (LineRejection) -> Void = { _ in }, progress: (IngestSummary) -> Void = { _ in }
    ) throws -> IngestSummary {
        var summary = IngestSummary(kind: "subjects")
        while true {
            var batch: [(line: Int, record: SubjectLine)] = []
            while batch.count < options.batchSize, let line = try reader.next() {
                summary.lines += 1
                do throws(LineRejection) {
                    if line.isTooLong {
                        throw LineRejection(reason: .lineTooLong, message: "line is longer than \(options.maximumLineBytes) bytes")
                    }
                    batch.append((line.number, try SubjectLine.parse(line.bytes, configuration: configuration)))
                } catch {
                    var rejection = error
                    rejection.line = line.number
                    summary.reject(rejection)
                    onReject(rejection)
                }
            }
            if batch.isEmpty { break }  // only at the end of input: the loop above fills batches
            try writeSubjectBatch(batch, context: context, now: options.now ?? Int64(Date().timeIntervalSince1970), summary: &summary, onReject: onReject)
            progress(summary)
        }
        return summary
    }

    private func writeSubjectBatch(
        _ batch: [(line: Int, record: SubjectLine)], context: AccessContext, now: Int64, summary: inout IngestSummary,
        onReject: (LineRejection) -> Void
    ) throws {
        // A subject lives in exactly one region: a line whose subject already exists in
        // another region is a change of residence, which needs an explicit transfer.
        var byRegion: [RegionID: [(line: Int, record: SubjectLine)]] = [:]
        var batchRegions: [String: RegionID] = [:]
        for item in batch {
            let inBatch = batchRegions[item.record.externalID].flatMap { $0 == item.record.region ? nil : $0 }
            if let other = try inBatch ?? regionHolding(externalID: item.record.externalID, except: item.record.region) {
                let rejection = LineRejection(
                    line: item.line, reason: .regionChange, field: "country",
                    message: "this subject is stored in region \(other); a move to \(item.record.region) needs an explicit transfer (erase and re-ingest)")
                summary.reject(rejection)
                onReject(rejection)
                continue
            }
            batchRegions[item.record.externalID] = item.record.region
            byRegion[item.record.region, default: []].append(item)
        }
        for region in byRegion.keys.sorted() {
            let store = try store(region)
            let items = byRegion[region]!
            let outcome = try store.write({ db in
                var result = SubjectBatchResult()
                for item in items {
                    do {
                        let (id, created) = try store.upsert(item.record, now: now, in: db)
                        result.subjects.append(id)
                        if created { result.created += 1 } else { result.updated += 1 }
                    } catch let rejection as LineRejection {
                        var located = rejection
                        located.line = item.line
                        result.rejections.append(located)
                    }
                }
                return result
            }, record: { result, counter in
                guard !result.subjects.isEmpty else { return }
                let receipt = try self.record(
                    context, action: "ingest.subjects", regions: [region], subjects: result.subjects,
                    details: [
                        "accepted": .integer(Int64(result.subjects.count)), "created": .integer(Int64(result.created)),
                        "rejected": .integer(Int64(result.rejections.count)), Vault.commitDetailKey(region): .integer(counter),
                    ])
                summary.noteAudit(receipt.sequence)
            })
            summary.accepted += outcome.subjects.count
            summary.created += outcome.created
            summary.updated += outcome.updated
            summary.acceptedByRegion[region.rawValue, default: 0] += outcome.subjects.count
            for rejection in outcome.rejections {
                summary.reject(rejection)
                onReject(rejection)
            }
        }
    }

    /// The region (other than `except`) that already stores a subject with this externalId.
    func regionHolding(externalID: String, except: RegionID?) throws -> RegionID? {
        for region in regionIDs where region != except {
            let store = try store(region)
            let index = try store.externalIndex(externalID)
            if try store.read({ db in try store.subject(externalIndex: index, in: db) != nil }) {
                return region
            }
        }
        return nil
    }
}

struct SubjectBatchResult: Sendable {
    var subjects: [SubjectID] = []
    var created = 0
    var updated = 0
    var rejections: [LineRejection] = []
}
