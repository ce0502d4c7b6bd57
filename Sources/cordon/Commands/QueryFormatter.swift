import CordonCore
import Foundation

/// Renders answers and explanations for the terminal and for spreadsheets.
enum QueryFormatter {
    /// Columns padded to their widest cell, a rule under the header.
    static func grid(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = header.indices.map { column in
            rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return
            ([render(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
            + rows.dropFirst().map(render))
            .joined(separator: "\n") + "\n"
    }

    /// The answer as a table, each noisy value with its 95% interval, then its privacy cost.
    static func table(_ answer: QueryAnswer) -> String {
        let privacy = answer.privacy
        let regions = privacy.epsilonSpent.keys.sorted()
        // With several regions, each row says which regions its values add up.
        let showRegions = regions.count > 1 && answer.rowRegions != nil
        var rows = [answer.columns + (showRegions ? ["regions"] : [])]
        for (index, row) in answer.rows.enumerated() {
            var cells = row.map { cell in
                if case .number(let value) = cell {
                    return "\(cell)  [\(format(value.low)), \(format(value.high))]"
                }
                return cell.description
            }
            if showRegions, let coverage = answer.rowRegions?[index] {
                cells.append(
                    coverage.regions.joined(separator: "+")
                        + (coverage.regionsSuppressed.isEmpty
                            ? "" : " (not \(coverage.regionsSuppressed.joined(separator: ", ")))")
                )
            }
            rows.append(cells)
        }
        var text = grid(rows)
        if answer.rows.isEmpty {
            text += "(no group passed the release threshold; --explain shows the people a group needs)\n"
        }
        text += "\n95% confidence intervals in brackets; mechanism: \(privacy.mechanismSummary)"
        if showRegions, privacy.regions.contains(where: { $0.pooledWith != nil }) {
            text += "; noise pooled: one draw per value for the total over the regions a row names"
        } else if showRegions {
            text += "; a row's values add up the regions it names (\"not\": withheld there, too few people or none)"
        }
        text += "\n" + (privacy.cached ? "released answer of the same query this period: no budget spent\n" : "")
        for region in regions {
            text +=
                "\(region): ε spent \(privacy.epsilonSpent[region]!), left \(privacy.budgetRemaining[region] ?? "?") until \(privacy.budgetResetsAt[region] ?? "?") (policy \(privacy.policyVersions[region] ?? "?"))\n"
        }
        return text
    }

    /// The plan of `--explain`.
    static func text(_ explanation: QueryExplanation) -> String {
        var text =
            "query: \(explanation.query)\npurpose: \(explanation.purpose) (counts events collected for: \(explanation.collectionPurposes.joined(separator: ", ")))\nmechanism: \(RegionPlan.mechanismSummary(explanation.regions, otherwise: explanation.mechanism))\n"
        if explanation.wouldUseReleasedAnswer {
            text += "already answered this period: would return the released answer, no budget spent\n"
        }
        if explanation.regions.isEmpty { text += "no region can match the filter: nothing would run\n" }
        if let pool = explanation.regions.first?.pooledWith {
            text +=
                "noise: pooled over \(pool.map(\.rawValue).joined(separator: ", ")): each region bounds its own people in its own store; their exact totals are summed in memory and noised once, so a threshold below is for a group's people across all of them\n"
        }
        for plan in explanation.regions {
            let region = plan.region.rawValue
            text +=
                "\nregion \(region) (\(plan.policyID) \(plan.policyVersion)): ε cost \(explanation.epsilonCost[region] ?? "?"), left \(explanation.budgetRemaining[region] ?? "?"), δ \(plan.delta)\n"
            let subjectLevel = plan.subjectLevelDimensions ?? []
            text +=
                "  bounds: ≤ \(plan.maxGroupsPerSubject) groups per subject\(subjectLevel.isEmpty ? "" : " (\(subjectLevel.joined(separator: ", ")): one group per person)"), ≤ \(plan.maxRowsPerGroup) rows per group\(plan.maxAmountPerGroup.map { ", ≤ \($0) amount per person and group" } ?? "")\n"
            text +=
                "  release threshold: a group of \(plan.releaseThreshold) people is released with probability ≥ 50% (partition selection \(plan.selectionThreshold), policy minimum \(plan.minAggregationSubjects)); mechanism \(plan.mechanismSummary ?? "?")\n"
            if let keys = plan.publicKeys, plan.pooledWith != nil {
                text +=
                    "  public keys: \(keys) across the pool, known from the query and the catalog; every one is released with noise unless its count is below the threshold\n"
            } else if let keys = plan.publicKeys {
                text +=
                    "  public keys: \(keys), known from the query and the catalog; every one leaves the region with noise, and the threshold applies to the count merged across regions (lower for a group spread over several)\n"
            }
            var rows = [["statistic", "L1", "L2", "ε", "noise", "scale", "95% ±"]]
            for statistic in plan.statistics {
                rows.append([
                    statistic.name, format(statistic.l1Sensitivity), format(statistic.l2Sensitivity),
                    format(statistic.epsilon),
                    statistic.noise.mechanism.rawValue, format(statistic.noise.scale), String(statistic.halfWidth95),
                ])
            }
            text += grid(rows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            text += "  sql: \(explanation.sql[region] ?? "")\n"
        }
        if explanation.groupings.count > 1 {
            text += "\npeople a group needs to be released (50%), by grouping:\n"
            let regions = explanation.regions.map(\.region.rawValue)
            var rows = [["grouping", "groups/person"] + regions]
            for grouping in explanation.groupings {
                rows.append(
                    [
                        grouping.dimensions.isEmpty ? "(total)" : grouping.dimensions.joined(separator: ", "),
                        String(grouping.maxGroupsPerSubject),
                    ]
                        + regions.map { grouping.releaseThreshold[$0].map(String.init) ?? "-" }
                )
            }
            text += grid(rows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        return text
    }

    static func format(_ number: Double) -> String {
        if number == number.rounded() && abs(number) < 1e15 { return String(Int64(number)) }
        return String(format: "%.4g", number)
    }
}
