import CordonCore

extension DemoDataGenerator {
    /// Writes every subject line to `sink` and tallies what was written.
    public func writeSubjects(
        to sink: inout some DemoDataSink,
        progress: (DemoDataProgress) -> Void = { _ in }
    ) throws(DemoDataError) -> DemoDataSummary.Subjects {
        var tally = DemoDataSummary.Subjects.Tally(regions: Set(markets.map(\.region)), purposes: purposes)
        var line = DemoJSONLine()
        let total = options.subjectCount
        let interval = DemoDataProgress.interval(forTotal: total)
        for index in 0..<total {
            var (defect, defectRandom) = subjectDefect(at: index)
            let subject = subject(at: index)
            encode(subject, defect: defect, using: &defectRandom, into: &line)
            try sink.write(line.bytes)
            if let defect {
                tally.count(defect)
            } else {
                tally.count(subject)
            }
            if (index + 1) % interval == 0 || index + 1 == total {
                progress(DemoDataProgress(phase: .subjects, linesWritten: index + 1, totalLines: total))
            }
        }
        return tally.summary
    }

    /// Whether subject `index`'s line is broken, and the stream that decides how.
    func subjectDefect(at index: Int) -> (DemoDataDefect?, DemoDataRandom) {
        var random = DemoDataRandom(seed: seed, stream: .subjectDefect, index: index)
        guard random.chance(options.invalidRate) else { return (nil, random) }
        return (Self.subjectDefects.draw(using: &random), random)
    }

    /// Subject `index`'s shopping habits; its weight is zero when its line is invalid, so no
    /// event refers to a subject ingest rejected.
    func activity(at index: Int) -> DemoActivity {
        var random = DemoDataRandom(seed: seed, stream: .activity, index: index)
        // Truncated Pareto (α = 1) in 16.16 fixed point: 1/u for u in (0, 1], capped at 20.
        let uniform = (random.next() >> 40) + 1
        var weight = subjectDefect(at: index).0 == nil ? min(20 << 16, (1 << 40) / uniform) : 0
        let isNewCustomer = random.chance(0.35)
        let firstSeen = isNewCustomer ? calendar.instant(on: 0..<335, using: &random) : yearStart
        // A customer who arrives later shops at the same pace for the rest of the year, so
        // the shop's months stay comparable instead of filling up towards the end.
        weight = weight * UInt64(DemoCalendar.dayCount - calendar.day(of: firstSeen)) / UInt64(DemoCalendar.dayCount)
        let consentTime =
            isNewCustomer ? firstSeen : random.int64(in: earliestConsent...(yearStart - 1))
        return DemoActivity(
            weight: weight,
            isNewCustomer: isNewCustomer,
            firstSeen: firstSeen,
            consentTime: consentTime,
            signsUp: isNewCustomer && random.chance(0.6),
            device: devices.draw(using: &random),
            hasEmail: random.chance(0.97),
            testArm: random.chance(0.5) ? .variantA : .variantB
        )
    }

    /// Subject `index`, the same every time it is asked for.
    func subject(at index: Int) -> DemoSubject {
        var random = DemoDataRandom(seed: seed, stream: .identity, index: index)
        let activity = activity(at: index)
        let resolved = markets[marketTable.draw(using: &random)]
        let market = resolved.market
        let number = Self.firstNumber + index
        let birthYear = random.chance(0.92) ? birthYears.draw(using: &random) : nil
        let person = market.locale.person(number: number, using: &random)
        let name = random.chance(0.96) ? person.name : nil
        let email = activity.hasEmail ? person.emailLocalPart + "@" + emailDomain(for: market, using: &random) : nil
        let phone = random.chance(0.7) ? market.phoneNumber(using: &random) : nil
        let address = random.chance(0.6) ? market.locale.address(using: &random) : nil
        let globalPrivacyControl = random.chance(market.globalPrivacyControlRate)
        let age = birthYear.map { referenceYear - $0 }
        let isMinor =
            age.map {
                resolved.policy.minimumAge.requiresGuardianConsent(age: $0, country: resolved.country)
            } ?? false
        let consents = consents(
            in: resolved,
            age: age,
            isMinor: isMinor,
            hasEmail: activity.hasEmail,
            since: activity.consentTime,
            using: &random
        )
        return DemoSubject(
            number: number,
            country: market.country,
            region: resolved.region,
            birthYear: birthYear,
            email: email,
            name: name,
            phone: phone,
            address: address,
            consents: consents,
            globalPrivacyControl: globalPrivacyControl,
            isMinor: isMinor
        )
    }

    /// An RFC 2606 / RFC 6761 reserved domain: `example.com`, `.net`, `.org`, or the
    /// country under the reserved `.example` TLD (`de.example`). A real-looking `example.de`
    /// is not reserved, so it is never used.
    private func emailDomain(for market: DemoMarket, using random: inout DemoDataRandom) -> String {
        switch random.int(below: 20) {
        case 0..<10: "example.com"
        case 10..<13: "example.net"
        case 13..<15: "example.org"
        default: market.country.lowercased() + ".example"
        }
    }

    static let subjectDefects = DemoWeightedTable(DemoDataDefect.subjectWeights)
    static let eventDefects = DemoWeightedTable(DemoDataDefect.eventWeights)
}
