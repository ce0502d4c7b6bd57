import CordonCore

extension DemoDataGenerator {
    /// Writes every event line to `sink` and tallies what was written.
    ///
    /// Each valid subject gets a share of the events in proportion to its activity weight
    /// (exact integer apportionment, so the file holds exactly `eventCount` lines), shaped
    /// into sessions and placed in time order between its first visit and the window's end,
    /// busy days and hours more often than quiet ones.
    public func writeEvents(
        to sink: inout some DemoDataSink,
        progress: (DemoDataProgress) -> Void = { _ in }
    ) throws(DemoDataError) -> DemoDataSummary.Events {
        var tally = DemoDataSummary.Events.Tally()
        var line = DemoJSONLine()
        let total = options.eventCount
        let interval = DemoDataProgress.interval(forTotal: total)
        var written = 0
        func emit(_ event: DemoEvent, externalId: String, random: inout DemoDataRandom) throws(DemoDataError) {
            let defect: DemoDataDefect? =
                random.chance(options.invalidRate) ? Self.eventDefects.draw(using: &random) : nil
            encode(event, externalId: externalId, defect: defect, using: &random, into: &line)
            try sink.write(line.bytes)
            tally.count(event, defect: defect)
            written += 1
            if written % interval == 0 || written == total {
                progress(DemoDataProgress(phase: .events, linesWritten: written, totalLines: total))
            }
        }
        guard total > 0 else { return tally.summary }

        let totalWeight = (0..<options.subjectCount).reduce(UInt64(0)) { $0 + activity(at: $1).weight }
        guard totalWeight > 0 else {
            // Every subject line is invalid: the events can only point at unknown subjects.
            var chunk = 0
            while written < total {
                var random = DemoDataRandom(seed: seed, stream: .orphanEvents, index: chunk)
                let activity = DemoActivity(
                    weight: 1,
                    isNewCustomer: false,
                    firstSeen: yearStart,
                    consentTime: yearStart,
                    signsUp: false,
                    device: .mobile,
                    hasEmail: true,
                    receivesEmail: true,
                    testArm: .variantA
                )
                for event in events(count: min(1000, total - written), activity: activity, using: &random) {
                    tally.count(event, defect: .unknownSubject)
                    encode(
                        event,
                        externalId: unknownExternalId(using: &random),
                        defect: .unknownSubject,
                        using: &random,
                        into: &line
                    )
                    try sink.write(line.bytes)
                    written += 1
                    if written % interval == 0 || written == total {
                        progress(DemoDataProgress(phase: .events, linesWritten: written, totalLines: total))
                    }
                }
                chunk += 1
            }
            return tally.summary
        }

        var cumulative: UInt64 = 0
        var allotted = 0
        for index in 0..<options.subjectCount {
            var activity = activity(at: index)
            guard activity.weight > 0 else { continue }
            cumulative += activity.weight
            let product = UInt64(total).multipliedFullWidth(by: cumulative)
            let target = Int(totalWeight.dividingFullWidth((product.high, product.low)).quotient)
            let count = target - allotted
            allotted = target
            guard count > 0 else { continue }
            tally.subjectsWithEvents += 1
            activity.receivesEmail = receivesEmail(subject(at: index))
            var random = DemoDataRandom(seed: seed, stream: .events, index: index)
            let externalId = "c-\(Self.firstNumber + index)"
            for event in events(count: count, activity: activity, using: &random) {
                try emit(event, externalId: externalId, random: &random)
            }
        }
        return tally.summary
    }

    /// Whether the shop may send `subject` marketing email: their last `marketing_email`
    /// record is a grant (an opt-in, or a newsletter signup where email is opt-out).
    func receivesEmail(_ subject: DemoSubject) -> Bool {
        subject.email != nil && subject.consents.last { $0.purpose == .marketingEmail }?.state == .granted
    }

    /// An id after every generated one, for events ingest must reject as `unknown_subject`.
    func unknownExternalId(using random: inout DemoDataRandom) -> String {
        "c-\(Self.firstNumber + options.subjectCount + random.int(below: max(1000, options.subjectCount)))"
    }

    /// `count` events of one subject in time order: sessions shaped as funnels, the last one
    /// cut where the count runs out.
    func events(count: Int, activity: DemoActivity, using random: inout DemoDataRandom) -> [DemoEvent] {
        var events: [DemoEvent] = []
        events.reserveCapacity(count + 16)
        var sessionStarts: [Int] = []
        while events.count < count {
            appendSession(to: &events, sessionStarts: &sessionStarts, activity: activity, using: &random)
        }
        events.removeLast(events.count - count)
        while let last = sessionStarts.last, last >= count { sessionStarts.removeLast() }
        place(&events, sessionStarts: sessionStarts, activity: activity, using: &random)
        return events
    }

    /// Turns session-relative times into instants: sessions keep their order, do not
    /// overlap, and fall between the first visit and the window's end. Each session starts
    /// at an instant drawn from the shop's calendar (a new customer's first session at
    /// their first visit); when sessions are too many or too long for that, they are
    /// spread evenly instead.
    private func place(
        _ events: inout [DemoEvent],
        sessionStarts: [Int],
        activity: DemoActivity,
        using random: inout DemoDataRandom
    ) {
        let ends = sessionStarts.dropFirst() + [events.count]
        let durations = zip(sessionStarts, ends).map { events[$1 - 1].time }
        let start = activity.firstSeen + random.int64(in: 2...30)
        let firstDay = calendar.day(of: start)
        var instants = (0..<sessionStarts.count).map { _ in
            max(start, calendar.instant(on: firstDay..<DemoCalendar.dayCount, using: &random))
        }
        instants.sort()
        if activity.isNewCustomer { instants[0] = start }
        var starts: [Int64] = []
        starts.reserveCapacity(instants.count)
        var free = start
        for (instant, duration) in zip(instants, durations) {
            let sessionStart = max(instant, free)
            starts.append(sessionStart)
            free = sessionStart + duration + 60
        }
        guard free - 60 <= yearEnd else {
            spreadEvenly(&events, sessionStarts: sessionStarts, activity: activity, start: start, using: &random)
            return
        }
        for (session, (first, end)) in zip(sessionStarts, ends).enumerated() {
            for index in first..<end { events[index].time += starts[session] }
        }
    }

    /// Places sessions at uniformly drawn gaps between `start` and the window's end,
    /// squeezing them when their durations add up to more than that.
    private func spreadEvenly(
        _ events: inout [DemoEvent],
        sessionStarts: [Int],
        activity: DemoActivity,
        start: Int64,
        using random: inout DemoDataRandom
    ) {
        let ends = sessionStarts.dropFirst() + [events.count]
        var durations = zip(sessionStarts, ends).map { events[$1 - 1].time }
        let span = yearEnd - start
        var busy = durations.reduce(0, +)
        if busy > span {
            // More activity than time left: squeeze every session proportionally.
            for index in events.indices { events[index].time = events[index].time * span / busy }
            durations = zip(sessionStarts, ends).map { events[$1 - 1].time }
            busy = durations.reduce(0, +)
        }
        let idle = span - busy
        var gaps = (0..<sessionStarts.count).map { _ in random.int64(in: 0...idle) }
        gaps.sort()
        // A new customer's first session is the visit that brought them.
        if activity.isNewCustomer { gaps[0] = 0 }
        var elapsed: Int64 = 0
        for (session, (first, end)) in zip(sessionStarts, ends).enumerated() {
            let sessionStart = start + gaps[session] + elapsed
            for index in first..<end { events[index].time += sessionStart }
            elapsed += durations[session]
        }
    }
}
