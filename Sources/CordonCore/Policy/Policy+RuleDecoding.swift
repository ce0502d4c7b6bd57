// Reading the rights, anonymization, transfer and breach sections of a policy file.

extension Policy {
    static func readRights(_ reader: JSONReader) -> [Right: RightRule]? {
        guard let members = reader.members() else { return nil }
        var rules: [Right: RightRule] = [:]
        var valid = true
        let allowedRights = Right.allCases.map(\.rawValue).joined(separator: ", ")
        for (key, member) in members {
            guard let right = Right(rawValue: key) else {
                member.report("unknown right '\(key)'; allowed rights: \(allowedRights)")
                valid = false
                continue
            }
            guard let rule = readRightRule(member) else {
                valid = false
                continue
            }
            rules[right] = rule
        }
        for right in Right.allCases where rules[right] == nil && !members.contains(where: { $0.key == right.rawValue })
        {
            reader.report(
                "missing rule for right '\(right.rawValue)'; give its deadline, or {\"provided\": false, \"source\": ...} if the law does not grant it"
            )
            valid = false
        }
        return valid ? rules : nil
    }

    static func readRightRule(_ reader: JSONReader) -> RightRule? {
        guard
            let object = reader.object(
                required: ["source"],
                optional: ["provided", "deadline", "dayCount", "extension"]
            )
        else { return nil }
        let source = object.required("source")?.string()
        let providedReader = object.optional("provided")
        let provided = providedReader.map { $0.bool() } ?? true
        guard let provided, let source else { return nil }
        guard provided else {
            let extra = ["deadline", "dayCount", "extension"].filter(object.has)
            guard extra.isEmpty else {
                reader.report(
                    "a right with \"provided\": false takes no \(extra.joined(separator: ", ")); only \"source\" explains why"
                )
                return nil
            }
            return RightRule(notProvidedBecause: source)
        }
        guard let deadline = readDeadline(object, durationKey: "deadline") else { return nil }
        var extensionPeriod: Extension?
        if let extensionReader = object.optional("extension") {
            guard let entry = extensionReader.object(required: ["duration", "requiresReason"]),
                let duration = entry.required("duration")?.duration(),
                let requiresReason = entry.required("requiresReason")?.bool()
            else { return nil }
            if deadline.dayCount == .business, !duration.isDaysOnly {
                extensionReader.report("a business-day extension must be whole days (PnD), found \(duration)")
                return nil
            }
            extensionPeriod = Extension(duration: duration, requiresReason: requiresReason)
        }
        return RightRule(deadline: deadline, extensionPeriod: extensionPeriod, source: source)
    }

    /// A duration under `durationKey` with its `dayCount`; business-day counts must be whole days.
    static func readDeadline(_ object: ObjectReader, durationKey: String) -> Deadline? {
        let durationReader = object.required(durationKey)
        let duration = durationReader?.duration()
        let dayCount = object.required("dayCount")?.oneOf(DayCount.self)
        guard let duration, let dayCount, let durationReader else { return nil }
        guard dayCount == .calendar || duration.isDaysOnly else {
            durationReader.report("a business-day deadline must be whole days (PnD), found \(duration)")
            return nil
        }
        return Deadline(duration: duration, dayCount: dayCount)
    }

    static func readAnonymization(_ reader: JSONReader) -> AnonymizationRules? {
        guard
            let object = reader.object(required: [
                "minAggregationSubjects", "epsilonPerQuery", "budgetPerPeriod", "budgetPeriod", "delta",
                "maxGroupsPerSubject", "maxRowsPerGroup", "source",
            ])
        else { return nil }
        let minimumReader = object.required("minAggregationSubjects")
        let minimum = minimumReader?.integer()
        let epsilonReader = object.required("epsilonPerQuery")
        let epsilon = epsilonReader?.number()
        let budgetReader = object.required("budgetPerPeriod")
        let budget = budgetReader?.number()
        let period = object.required("budgetPeriod")?.duration()
        let deltaReader = object.required("delta")
        let delta = deltaReader?.number()
        let groupsReader = object.required("maxGroupsPerSubject")
        let groups = groupsReader?.integer()
        let rowsReader = object.required("maxRowsPerGroup")
        let rows = rowsReader?.integer()
        let source = object.required("source")?.string()
        var valid = true
        func check(_ reader: JSONReader?, _ condition: Bool, _ message: String) {
            guard let reader, !condition else { return }
            reader.report(message)
            valid = false
        }
        if let minimum {
            check(
                minimumReader,
                minimum >= 2,
                "minAggregationSubjects must be at least 2 (a group of one subject is that person), found \(minimum)"
            )
        }
        if let epsilon {
            check(epsilonReader, epsilon > 0, "epsilonPerQuery must be greater than 0, found \(epsilon)")
            if let budget {
                check(
                    budgetReader,
                    budget >= epsilon,
                    "budgetPerPeriod (\(budget)) must be at least epsilonPerQuery (\(epsilon)), or no query could run"
                )
            }
        }
        if let delta {
            check(deltaReader, delta > 0 && delta < 1, "delta must be greater than 0 and less than 1, found \(delta)")
        }
        if let groups { check(groupsReader, groups >= 1, "maxGroupsPerSubject must be at least 1, found \(groups)") }
        if let rows { check(rowsReader, rows >= 1, "maxRowsPerGroup must be at least 1, found \(rows)") }
        guard valid, let minimum, let epsilon, let budget, let period, let delta, let groups, let rows, let source
        else {
            return nil
        }
        return AnonymizationRules(
            minAggregationSubjects: minimum,
            epsilonPerQuery: epsilon,
            budgetPerPeriod: budget,
            budgetPeriod: period,
            delta: delta,
            maxGroupsPerSubject: groups,
            maxRowsPerGroup: rows,
            source: source
        )
    }

    static func readTransfers(_ reader: JSONReader) -> TransferRules? {
        guard
            let object = reader.object(
                required: ["rawData", "aggregates", "source"],
                optional: ["mechanisms", "separateConsent", "volumeTiers"]
            )
        else { return nil }
        let rawData = object.required("rawData")?.oneOf(RawDataTransfer.self)
        let source = object.required("source")?.string()
        var aggregates: [RegionID]?
        if let elements = object.required("aggregates")?.array() {
            let ids = elements.map { readIdentifier($0, separator: "-").map(RegionID.init(rawValue:)) }
            aggregates = ids.contains(nil) ? nil : ids.compactMap { $0 }
        }
        guard let rawData, let aggregates, let source else { return nil }
        var mechanisms: [TransferMechanism: String] = [:]
        if let members = object.optional("mechanisms")?.members() {
            for (key, member) in members {
                guard let mechanism = TransferMechanism(rawValue: key) else {
                    member.report(
                        "unknown transfer mechanism '\(key)'; allowed: \(TransferMechanism.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                    return nil
                }
                guard let text = member.string() else { return nil }
                mechanisms[mechanism] = text
            }
        }
        let separateConsent = object.optional("separateConsent").map { $0.string() }
        if let separateConsent, separateConsent == nil { return nil }
        var tiers: [VolumeTier] = []
        if let elements = object.optional("volumeTiers")?.array() {
            for element in elements {
                guard let tier = element.object(required: ["people", "sensitive", "requires", "source"]),
                    let people = tier.required("people")?.integer(in: 1...1_000_000_000),
                    let sensitive = tier.required("sensitive")?.bool(),
                    let requires = tier.required("requires")?.array()?.map({ $0.oneOf(TransferMechanism.self) }),
                    let tierSource = tier.required("source")?.string(),
                    !requires.contains(nil)
                else { return nil }
                let unlisted = requires.compactMap { $0 }.filter { mechanisms[$0] == nil }
                guard unlisted.isEmpty else {
                    element.report(
                        "a tier requires \(unlisted.map(\.rawValue).joined(separator: ", ")), which transfers.mechanisms does not list; add it there with its article"
                    )
                    return nil
                }
                tiers.append(
                    VolumeTier(
                        people: people,
                        sensitive: sensitive,
                        requires: requires.compactMap { $0 },
                        source: tierSource
                    )
                )
            }
        }
        return TransferRules(
            rawData: rawData,
            aggregates: aggregates,
            source: source,
            mechanisms: mechanisms,
            separateConsent: separateConsent ?? nil,
            volumeTiers: tiers.sorted { ($0.sensitive ? 1 : 0, $0.people) < ($1.sensitive ? 1 : 0, $1.people) }
        )
    }

    static func readBreachNotification(_ reader: JSONReader) -> BreachNotification? {
        guard let object = reader.object(required: ["authority", "subjects"]) else { return nil }
        let authority = object.required("authority").flatMap(readNotificationRule)
        let subjects = object.required("subjects").flatMap(readNotificationRule)
        guard let authority, let subjects else { return nil }
        return BreachNotification(authority: authority, subjects: subjects)
    }

    static func readNotificationRule(_ reader: JSONReader) -> NotificationRule? {
        guard
            let object = reader.object(
                required: ["timing", "source"],
                optional: ["deadline", "dayCount", "from", "condition"]
            )
        else { return nil }
        let timing = object.required("timing")?.oneOf(NotificationTiming.self)
        let source = object.required("source")?.string()
        let clockStart = object.optional("from").map { $0.oneOf(ClockStart.self) } ?? .awareness
        let condition = object.optional("condition").map { $0.string() }
        guard let timing, let source, let clockStart, condition != .some(nil) else { return nil }
        var deadline: Deadline?
        if timing == .within {
            guard let parsed = readDeadline(object, durationKey: "deadline") else { return nil }
            deadline = parsed
        } else {
            let extra = ["deadline", "dayCount"].filter(object.has)
            guard extra.isEmpty else {
                reader.report(
                    "timing '\(timing.rawValue)' takes no \(extra.joined(separator: ", ")); use timing 'within' for a stated period"
                )
                return nil
            }
        }
        return NotificationRule(
            timing: timing,
            deadline: deadline,
            clockStart: clockStart,
            condition: condition ?? nil,
            source: source
        )
    }
}
