import CordonCore

extension DemoDataSummary.Subjects {
    /// Counts subject lines as they are written.
    struct Tally {
        private var summary_ = DemoDataSummary.Subjects()
        private let purposes: [Purpose]

        init(regions: Set<RegionID>, purposes: [Purpose]) {
            self.purposes = purposes
            for region in regions {
                summary_.regions[region.rawValue] = 0
                summary_.consents[region.rawValue] = Dictionary(
                    uniqueKeysWithValues: purposes.map { ($0.rawValue, DemoDataSummary.ConsentTally()) }
                )
            }
        }

        mutating func count(_ defect: DemoDataDefect) {
            summary_.lines += 1
            summary_.invalid[defect.rawValue, default: 0] += 1
        }

        mutating func count(_ subject: DemoSubject) {
            summary_.lines += 1
            summary_.valid += 1
            let region = subject.region.rawValue
            summary_.regions[region, default: 0] += 1
            summary_.countries[subject.country, default: 0] += 1
            if subject.isMinor { summary_.minors += 1 }
            if subject.globalPrivacyControl { summary_.gpc += 1 }
            var current: [Purpose: DemoConsent.State] = [:]
            for consent in subject.consents { current[consent.purpose] = consent.state }
            for purpose in purposes {
                var tally = summary_.consents[region]?[purpose.rawValue] ?? DemoDataSummary.ConsentTally()
                tally.subjects += 1
                switch current[purpose] {
                case .granted: tally.granted += 1
                case .withdrawn: tally.withdrawn += 1
                case .restricted: tally.restricted += 1
                case .objected: tally.objected += 1
                case nil: break
                }
                summary_.consents[region, default: [:]][purpose.rawValue] = tally
            }
        }

        /// The finished counts, with rates filled in.
        var summary: DemoDataSummary.Subjects {
            var result = summary_
            for (region, byPurpose) in result.consents {
                for (purpose, tally) in byPurpose where tally.subjects > 0 {
                    let rate = Double(tally.granted) / Double(tally.subjects)
                    result.consents[region]?[purpose]?.grantedRate = (rate * 10_000).rounded() / 10_000
                }
            }
            return result
        }
    }
}

extension DemoDataSummary.Events {
    /// Counts event lines as they are written.
    struct Tally {
        var summary = DemoDataSummary.Events()

        var subjectsWithEvents: Int {
            get { summary.subjectsWithEvents }
            set { summary.subjectsWithEvents = newValue }
        }

        mutating func count(_ event: DemoEvent, defect: DemoDataDefect?) {
            summary.lines += 1
            if let defect {
                summary.invalid[defect.rawValue, default: 0] += 1
                return
            }
            summary.valid += 1
            summary.types[event.kind.rawValue, default: 0] += 1
            summary.purposes[event.purpose.rawValue, default: 0] += 1
            if let channel = event.channel { summary.channels[channel.rawValue, default: 0] += 1 }
            if let device = event.device { summary.devices[device.rawValue, default: 0] += 1 }
        }
    }
}
