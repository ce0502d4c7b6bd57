extension QueryAnswer {
    /// Presents a released result for one spelling of its query: SELECT order, aliases,
    /// ORDER BY and LIMIT (all post-processing, which costs no privacy).
    static func present(
        _ result: ReleasedResult,
        query: ValidatedQuery,
        purpose: Purpose,
        analyst: String,
        privacy: Privacy
    ) -> QueryAnswer {
        var columns: [String] = []
        var rows: [Row] = []
        switch query.computation {
        case .aggregate:
            columns = query.columns.map(\.label)
            rows = result.groups.map { group in
                Row(
                    group,
                    query.columns.map { column -> AnswerCell in
                        switch column.source {
                        case .dimension(let dimension):
                            .text(query.dimensions.firstIndex(of: dimension).map { group.key[$0] } ?? "")
                        case .aggregate(let aggregate):
                            group.statistics[statisticName(aggregate)].map { .number($0) } ?? .text("")
                        case .shape:
                            .text("")
                        }
                    }
                )
            }
            for key in query.ordering.reversed() {
                rows = stableSorted(rows, by: key.column, descending: key.descending)
            }
        case .shape(let shape):
            columns = ValidatedQuery.shapeColumns(shape, dimensionLabels: query.dimensionLabels)
            rows = shapeRows(result, shape: shape)
            // The analyst's ORDER BY, or by credit for attribution; AB's difference row stays last.
            var ordering = query.ordering
            var difference: Row?
            switch shape {
            case .attribution where ordering.isEmpty: ordering = [(column: 1, descending: true)]
            case .abTest where rows.count > result.groups.count: difference = rows.removeLast()
            default: break
            }
            for key in ordering.reversed() {
                rows = stableSorted(rows, by: key.column, descending: key.descending)
            }
            if let difference { rows.append(difference) }
        }
        if let limit = query.limit { rows = Array(rows.prefix(limit)) }
        let regionsKnown = result.groups.allSatisfy { $0.regions != nil }
        return QueryAnswer(
            query: result.canonicalQuery,
            purpose: purpose.rawValue,
            analyst: analyst,
            columns: columns,
            rows: rows.map(\.cells),
            rowRegions: regionsKnown ? rows.map(\.regions) : nil,
            suppressedGroups: result.suppressedGroups,
            privacy: privacy
        )
    }

    /// The rows of a shape's answer, in ``ValidatedQuery/shapeColumns(_:dimensionLabels:)`` order.
    private static func shapeRows(_ result: ReleasedResult, shape: QueryShape) -> [Row] {
        var rows: [Row] = []
        switch shape {
        case .funnel(let steps, _):
            for group in result.groups {
                for (index, step) in steps.enumerated() {
                    let count = group.statistics["step\(index + 1)"].map { AnswerCell.number($0) } ?? .text("")
                    let rate =
                        index == 0
                        ? AnswerCell.number(NoisyValue(value: 1, low: 1, high: 1))
                        : group.statistics["rate\(index + 1)"].map { .number($0) } ?? .text("")
                    rows.append(
                        Row(group, group.key.map { .text($0) } + [.text(String(index + 1)), .text(step), count, rate])
                    )
                }
            }
        case .attribution:
            rows = result.groups.map { group in
                Row(
                    group,
                    [
                        .text(group.key.first ?? ""), group.statistics["credit"].map { .number($0) } ?? .text(""),
                        group.statistics["subjects"].map { .number($0) } ?? .text(""),
                    ]
                )
            }
        case .abTest:
            rows = result.groups.map { group in
                Row(
                    group,
                    [
                        .text(group.key.first ?? ""), group.statistics["exposed"].map { .number($0) } ?? .text(""),
                        group.statistics["converted"].map { .number($0) } ?? .text(""),
                        group.statistics["rate"].map { .number($0) } ?? .text(""),
                    ]
                )
            }
            if result.groups.count == 2, let a = result.groups[0].statistics["rate"],
                let b = result.groups[1].statistics["rate"]
            {
                let difference = NoisyValue(value: b.value - a.value, low: b.low - a.high, high: b.high - a.low)
                let both = RowRegions(
                    regions: Set(rows.flatMap(\.regions.regions)).sorted(),
                    regionsSuppressed: Set(rows.flatMap(\.regions.regionsSuppressed)).sorted()
                )
                rows.append(
                    Row(
                        cells: [
                            .text("\(result.groups[1].key[0]) − \(result.groups[0].key[0])"), .text(""), .text(""),
                            .number(difference),
                        ],
                        regions: both
                    )
                )
            }
        }
        return rows
    }

    static func statisticName(_ aggregate: QueryAggregate) -> String {
        switch aggregate {
        case .countRows: "rows"
        case .countSubjects: "subjects"
        case .sum: "sum"
        case .average: "avg"
        case .invalid: ""
        }
    }

    /// One presented row and the regions its values add up.
    struct Row {
        var cells: [AnswerCell]
        var regions: RowRegions

        init(cells: [AnswerCell], regions: RowRegions) {
            self.cells = cells
            self.regions = regions
        }

        init(_ group: ReleasedResult.Group, _ cells: [AnswerCell]) {
            self.cells = cells
            regions = RowRegions(regions: group.regions ?? [], regionsSuppressed: group.regionsSuppressed ?? [])
        }
    }

    private static func stableSorted(_ rows: [Row], by column: Int, descending: Bool) -> [Row] {
        rows.enumerated().sorted { left, right in
            let (a, b) = (left.element.cells[column], right.element.cells[column])
            let ordered: Bool? =
                switch (a, b) {
                case (.number(let x), .number(let y)): x.value == y.value ? nil : (x.value < y.value) != descending
                case (.text(let x), .text(let y)): x == y ? nil : (x < y) != descending
                default: nil
                }
            return ordered ?? (left.offset < right.offset)
        }.map(\.element)
    }
}

extension QueryAnswer.Privacy {
    /// Every region's mechanisms in words (``RegionPlan/mechanismSummary(_:otherwise:)``).
    public var mechanismSummary: String { RegionPlan.mechanismSummary(regions, otherwise: mechanism) }
}
