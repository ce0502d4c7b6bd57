import CordonStore

/// `FROM subjects` in one region: each lawful subject (the region's lawful population for
/// the purpose, within profile retention) is one row and contributes 1 to the one group of
/// its country or region — bounds of one group and one row by construction.
struct SubjectAggregation {
    let plan: RegionPlan
    let query: ValidatedQuery
    let sql: RegionSQL

    func run(lawful: LawfulSubjects, in db: Connection) throws -> RegionTotals {
        let dimensions = query.dimensions.compactMap(RegionSQL.expression)
        var select: SQL = "SELECT sid"
        for expression in dimensions { select += ", " + expression }
        select += " FROM subjects"
        // The validator allows country and region only; region folds to a constant.
        if let filter = query.filter { select += " WHERE " + sql.compile(filter) }
        var totals = RegionTotals(lawfulSubjects: lawful.count)
        try db.scanRows(select) { row in
            guard lawful.contains(try row.get(Int64.self, at: 0)) else { return }
            let key = RegionSQL.groupKey(query.dimensions, row: row, firstColumn: 1, region: plan.region)
            totals.add(Contribution(key: key, values: [1]))
        }
        return totals
    }
}
