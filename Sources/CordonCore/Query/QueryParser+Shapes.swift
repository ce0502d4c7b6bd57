extension QueryParser {
    /// Parses the arguments of FUNNEL, ATTRIBUTION or AB after its name.
    mutating func shape(_ word: String, at position: SourcePosition) throws(QueryError) -> QueryShape {
        try expectSymbol("(", "after \(word.uppercased())")
        switch word {
        case "funnel":
            var steps: [String] = []
            repeat {
                steps.append(try stringLiteral("a funnel step (an event name)"))
                if steps.count > QueryLimits.maximumFunnelSteps {
                    throw QueryError(
                        .tooLarge,
                        "a funnel has at most \(QueryLimits.maximumFunnelSteps) steps",
                        at: current.position
                    )
                }
            } while acceptSymbol(",")
            try expectSymbol(")", "after the funnel steps")
            guard steps.count >= 2 else {
                throw QueryError(
                    .invalid,
                    "a funnel needs at least two steps, e.g. FUNNEL('page_view', 'purchase')",
                    at: position
                )
            }
            return .funnel(steps: steps, windowSeconds: try window())
        case "attribution":
            let modelPosition = current.position
            let modelName = try name("an attribution model (first_touch, last_touch, linear)")
            guard let model = AttributionModel(rawValue: modelName) else {
                throw QueryError(
                    .invalid,
                    "unknown attribution model '\(modelName)'; use first_touch, last_touch or linear",
                    at: modelPosition
                )
            }
            try expectSymbol(")", "after the attribution model")
            try expect("of", "after ATTRIBUTION(model), as in OF 'purchase'")
            let conversion = try stringLiteral("the conversion event")
            try expect("by", "after the conversion event, as in BY channel")
            let fieldPosition = current.position
            let fieldName = try name("the touch dimension (channel, campaign, device)")
            guard let field = QueryField.named(fieldName), [.channel, .campaign, .device].contains(field) else {
                throw QueryError(
                    .invalid,
                    "attribution credits touches BY channel, campaign or device, not '\(fieldName)'",
                    at: fieldPosition
                )
            }
            return .attribution(model: model, conversion: conversion, by: field, windowSeconds: try window())
        default:
            let fieldPosition = current.position
            let fieldName = try name("the variant dimension (campaign, channel, device)")
            guard let field = QueryField.named(fieldName), [.channel, .campaign, .device].contains(field) else {
                throw QueryError(
                    .invalid,
                    "AB compares variants of campaign, channel or device, not '\(fieldName)'",
                    at: fieldPosition
                )
            }
            try expectSymbol(",", "after the variant dimension")
            let variantA = try stringLiteral("variant A")
            try expectSymbol(",", "after variant A")
            let variantB = try stringLiteral("variant B")
            try expectSymbol(")", "after variant B")
            guard variantA != variantB else {
                throw QueryError(.invalid, "the two AB variants must differ", at: position)
            }
            try expect("converts", "after AB(...), as in CONVERTS 'purchase'")
            let conversion = try stringLiteral("the conversion event")
            return .abTest(
                field: field,
                variantA: variantA,
                variantB: variantB,
                conversion: conversion,
                windowSeconds: try window()
            )
        }
    }

    /// `WITHIN INTERVAL 'n days'` (also `'n day'`, `'n weeks'`), as seconds.
    private mutating func window() throws(QueryError) -> Int64 {
        try expect("within", "to give the window, as in WITHIN INTERVAL '7 days'")
        try expect("interval", "after WITHIN, as in WITHIN INTERVAL '7 days'")
        let position = current.position
        let text = try stringLiteral("the interval, as in '7 days'")
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let count = Int(parts[0]), count >= 1 else {
            throw QueryError(
                .syntax,
                "an interval reads '<n> days' or '<n> weeks', found '\(text.prefix(40))'",
                at: position
            )
        }
        let unit = parts[1].lowercased()
        let days: Int
        switch unit {
        case "day", "days": days = count
        case "week", "weeks": days = count * 7
        default:
            throw QueryError(.syntax, "an interval is counted in days or weeks, not '\(unit.prefix(20))'", at: position)
        }
        guard days <= QueryLimits.maximumWindowDays else {
            throw QueryError(.invalid, "the window is at most \(QueryLimits.maximumWindowDays) days", at: position)
        }
        return Int64(days) * 86_400
    }
}
