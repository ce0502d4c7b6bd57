import CordonCore

extension DemoDataGenerator {
    /// Writes `subject` as one line, keys in the order, broken by `defect` if given.
    func encode(
        _ subject: DemoSubject,
        defect: DemoDataDefect?,
        using random: inout DemoDataRandom,
        into line: inout DemoJSONLine
    ) {
        line.reset()
        line.beginObject()
        let missing = defect == .missingField ? random.element(of: requiredSubjectFields) : nil
        if missing != "externalId" { line.field("externalId", subject.externalId) }
        if missing != "country" {
            line.field("country", defect == .unknownCountry ? random.element(of: unmappedCountries) : subject.country)
        }
        if defect == .outOfRange {
            line.field("birthYear", outOfRangeBirthYear(using: &random))
        } else if let birthYear = subject.birthYear, missing != "birthYear" {
            line.field("birthYear", birthYear)
        }
        let undeclaredInPII = defect == .undeclaredField && random.chance(0.6)
        line.key("pii")
        line.beginObject()
        if let email = subject.email, missing != "email" { line.field("email", email) }
        if let name = subject.name, missing != "name" { line.field("name", name) }
        if let phone = subject.phone, missing != "phone" { line.field("phone", phone) }
        if let address = subject.address, missing != "address" { line.field("address", address) }
        // US SSNs never start with 000 (SSA), so this one belongs to nobody.
        if undeclaredInPII { line.field("ssn", "000-\(random.int(in: 10...99))-\(random.int(in: 1000...9999))") }
        line.endObject()
        line.key("consents")
        line.beginArray()
        for consent in subject.consents {
            encode(
                purpose: consent.purpose.rawValue,
                state: consent.state.rawValue,
                source: consent.source,
                recordedAt: consent.recordedAt,
                into: &line
            )
        }
        if defect == .unknownValue {
            let recordedAt = random.int64(in: yearStart...yearEnd)
            if random.chance(0.5) || undeclaredPurposes.isEmpty {
                encode(
                    purpose: Purpose.analytics.rawValue,
                    state: "accepted",
                    source: "cmp:tcf-2.2",
                    recordedAt: recordedAt,
                    into: &line
                )
            } else {
                encode(
                    purpose: random.element(of: undeclaredPurposes),
                    state: "granted",
                    source: "cmp:tcf-2.2",
                    recordedAt: recordedAt,
                    into: &line
                )
            }
        }
        line.endArray()
        line.key("signals")
        line.beginObject()
        line.key("gpc")
        line.bool(subject.globalPrivacyControl)
        line.endObject()
        if defect == .undeclaredField && !undeclaredInPII { line.field("loyaltyTier", "gold") }
        line.endObject()
        if defect == .malformedJSON { tear(&line, using: &random) }
        line.endLine()
    }

    /// Writes `event` of `externalId` as one line, keys in the order, broken by
    /// `defect` if given.
    func encode(
        _ event: DemoEvent,
        externalId: String,
        defect: DemoDataDefect?,
        using random: inout DemoDataRandom,
        into line: inout DemoJSONLine
    ) {
        line.reset()
        line.beginObject()
        let missing = defect == .missingField ? random.element(of: requiredEventFields) : nil
        var kind = event.kind.rawValue
        var purpose = event.purpose.rawValue
        var amount = event.amountCents
        switch defect {
        case .unknownValue:
            if random.chance(0.5) || undeclaredPurposes.isEmpty {
                kind = random.element(of: unknownEventTypes)
            } else {
                purpose = random.element(of: undeclaredPurposes)
            }
        case .outOfRange:
            // Either a basket above the catalog's maximum, or a refund written as negative.
            if random.chance(0.7) {
                kind = DemoEventKind.purchase.rawValue
                amount = amountBounds.upperBound + random.int(in: 1...(amountBounds.upperBound * 20))
            } else {
                kind = DemoEventKind.refund.rawValue
                amount = -purchaseAmount(using: &random)
            }
        default:
            break
        }
        if missing != "externalId" {
            line.field("externalId", defect == .unknownSubject ? unknownExternalId(using: &random) : externalId)
        }
        if missing != "ts" {
            line.key("ts")
            line.timestamp(event.time)
        }
        if missing != "event" { line.field("event", kind) }
        if let channel = event.channel, missing != "channel" { line.field("channel", channel.rawValue) }
        if let campaign = event.campaign.label, missing != "campaign" { line.field("campaign", campaign) }
        if let device = event.device, missing != "device" { line.field("device", device.rawValue) }
        if let amount, missing != "amountCents" { line.field("amountCents", amount) }
        if missing != "purpose" { line.field("purpose", purpose) }
        if defect == .undeclaredField {
            if random.chance(0.5) {
                // 192.0.2.0/24 is TEST-NET-1 (RFC 5737), never routed.
                line.field("ip", "192.0.2.\(random.int(in: 1...254))")
            } else {
                line.field("userAgent", "Mozilla/5.0 (X11; Linux x86_64) DemoBrowser/1.0")
            }
        }
        line.endObject()
        if defect == .malformedJSON { tear(&line, using: &random) }
        line.endLine()
    }

    private func encode(
        purpose: String,
        state: String,
        source: String,
        recordedAt: Int64,
        into line: inout DemoJSONLine
    ) {
        line.beginObject()
        line.field("purpose", purpose)
        line.field("state", state)
        line.field("source", source)
        line.key("recordedAt")
        line.timestamp(recordedAt)
        line.endObject()
    }

    /// Cuts a finished object short at a character boundary, as a torn write would: no
    /// proper prefix of a JSON object is JSON.
    private func tear(_ line: inout DemoJSONLine, using random: inout DemoDataRandom) {
        var cut = random.int(in: 1...(line.bytes.count - 1))
        while line.bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        line.truncate(to: cut)
    }

    /// A birth year outside the catalog's bounds: too old, in the future, or a typo.
    private func outOfRangeBirthYear(using random: inout DemoDataRandom) -> Int {
        switch random.int(below: 3) {
        case 0: birthYearBounds.lowerBound - random.int(in: 1...80)
        case 1: birthYearBounds.upperBound + random.int(in: 1...100)
        default: birthYearBounds.upperBound * 10 - random.int(in: 0...999)
        }
    }
}
