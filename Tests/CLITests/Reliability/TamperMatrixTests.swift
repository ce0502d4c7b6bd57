import CordonTestSupport
import Foundation
import Testing

/// Part 3 of the reliability suite (issue 13): every file kind of a data directory × every
/// manipulation (flip a byte, truncate, delete, swap with another file of its kind, replay
/// an old copy, roll back with its WAL) against the commands that can notice — any command
/// (which opens the vault), `cordon store verify`, `cordon audit verify`, `audit/verify.py`
/// and `cordon audit verify --checkpoint` with a checkpoint kept off the machine.
///
/// Each case claimed detected must stay detected by its command, with its words; a case
/// that cannot be is listed with the reason (``TamperExpectation``, docs/RELIABILITY.md).
/// `make test` runs one manipulation per file kind against its claimed detector;
/// `make reliability` runs every case against every command and prints the table.
@Suite("Reliability: tamper matrix")
struct TamperMatrixTests {
    struct Case: Sendable, CustomStringConvertible {
        var file: TamperedFile
        var manipulation: Manipulation
        var description: String { "\(file): \(manipulation)" }
        var expectation: TamperExpectation { .of(file, manipulation) }
    }

    static let allCases: [Case] = TamperedFile.allCases.flatMap { file in
        Manipulation.allCases.map { Case(file: file, manipulation: $0) }
    }

    /// The cases this run tries: all of them in `make reliability`; otherwise one applicable
    /// manipulation per file kind, chosen with the run's seed.
    static let selected: [Case] = {
        guard !ReliabilityRun.isFull else { return allCases }
        var generator = ReliabilityRun.generator("tamper matrix")
        return TamperedFile.allCases.compactMap { file in
            allCases.filter { item in
                guard item.file == file else { return false }
                if case .notApplicable = item.expectation { return false }
                return true
            }.randomElement(using: &generator)
        }
    }()

    @Test(arguments: selected)
    func everyTamperingIsDetectedOrDocumented(_ item: Case) throws {
        let matrix = TamperMatrix(template: try TamperTemplate.shared())
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let tampered = try matrix.tamper(item.file, item.manipulation, into: scratch.url)
        let expectation = item.expectation
        if case .notApplicable = expectation {
            #expect(tampered == nil, "\(item) was applied; say what detects it")
            if ReliabilityRun.isFull { Self.report(item, expectation, [:]) }
            return
        }
        let data = try #require(tampered, "\(item) could not be applied")
        let detectors = ReliabilityRun.isFull ? Detector.allCases : Self.claimed(expectation).map { [$0] } ?? []
        var verdicts: [Detector: TamperMatrix.Verdict] = [:]
        for detector in detectors {
            verdicts[detector] = try matrix.run(detector, on: data, file: item.file, scratch: scratch.url)
        }
        switch expectation {
        case .detected(let detector, let message):
            let verdict = try #require(verdicts[detector])
            #expect(verdict.detected, "\(item): \(detector) no longer detects it")
            #expect(
                message.split(separator: "|").contains { verdict.message.contains($0) },
                "\(item): \(detector) said \"\(verdict.message)\""
            )
        case .undetected, .notApplicable:
            break
        }
        if ReliabilityRun.isFull { Self.report(item, expectation, verdicts) }
    }

    /// The command a case is claimed detected by.
    static func claimed(_ expectation: TamperExpectation) -> Detector? {
        switch expectation {
        case .detected(let detector, _): detector
        case .undetected: .anyCommand  // run one command, to report what it does
        case .notApplicable: nil
        }
    }

    /// One row of the table `make reliability` prints: the case, then each command's verdict.
    static func report(_ item: Case, _ expectation: TamperExpectation, _ verdicts: [Detector: TamperMatrix.Verdict]) {
        let index = allCases.firstIndex { $0.file == item.file && $0.manipulation == item.manipulation } ?? 0
        let cells = Detector.allCases.map { detector -> String in
            guard let verdict = verdicts[detector] else { return "-" }
            return verdict.detected ? "detected" : "-"
        }
        let first = Detector.allCases.first { verdicts[$0]?.detected == true }
        let status: String
        switch expectation {
        case .detected(let detector, _): status = "detected by \(detector)"
        case .undetected(let reason): status = first == nil ? "undetected: \(reason)" : "detected by \(first!)"
        case .notApplicable(let reason): status = "n/a: \(reason)"
        }
        let claimedVerdict = claimed(expectation).flatMap { verdicts[$0] }
        let message =
            claimedVerdict?.detected == true ? claimedVerdict!.message : first.flatMap { verdicts[$0]?.message } ?? ""
        ReliabilityRun.report(
            "3-tamper/\(String(format: "%03d", index))",
            [
                "| \(item.file) | \(item.manipulation) | " + cells.joined(separator: " | ") + " | \(status) | "
                    + Self.scrub(message) + " |"
            ]
        )
    }

    /// A message without the scratch directory's paths.
    static func scrub(_ message: String) -> String {
        message.replacingOccurrences(
            of: #"/tmp/cordon-cli-[0-9A-F-]+/detect-[^/ ]+(/[^ :,)]*)?"#,
            with: "<data>$1",
            options: .regularExpression
        )
        .replacingOccurrences(of: "|", with: "\\|")
    }
}
