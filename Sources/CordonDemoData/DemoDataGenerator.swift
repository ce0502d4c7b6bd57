public import CordonCore
public import Foundation

/// Makes a reproducible cross-border shop: customers (`subjects.ndjson`) and their
/// marketing events (`events.ndjson`), in the line formats ingest reads, with a share of
/// deliberately invalid lines.
///
/// The same configuration, seed and options give byte-identical files. Output is streamed:
/// memory stays bounded by one subject's events, so a million subjects and ten million
/// events are fine. Events are grouped by subject, in subject order, and in time order
/// within a subject (not globally sorted).
///
/// ```swift
/// let configuration = try PolicyConfiguration.load(from: root)
/// let generator = try DemoDataGenerator(
///     configuration: configuration, seed: 42, options: DemoDataOptions(subjectCount: 1000, eventCount: 20_000))
/// let summary = try generator.generate(into: URL(filePath: "demo")) { print($0.linesWritten) }
/// ```
///
/// - Warning: The randomness is SplitMix64 from the seed, predictable by design: the files
///   are test data, and nothing here may be reused for keys or tokens. Names, emails
///   (RFC 2606 / RFC 6761 reserved domains only) and US/UK phone numbers (fictional ranges)
///   are made up; street numbers and other countries' phone digits are random and may
///   match something real by chance.
public struct DemoDataGenerator: Sendable {
    /// The configuration whose regions, policies and catalog shape the data.
    public let configuration: PolicyConfiguration
    /// The seed every draw derives from.
    public let seed: UInt64
    /// Counts and the invalid rate.
    public let options: DemoDataOptions

    /// A market the configuration maps, with its region and policy resolved once.
    struct ResolvedMarket: Sendable {
        var market: DemoMarket
        var country: CountryCode
        var region: RegionID
        var policy: Policy
    }

    let markets: [ResolvedMarket]
    let marketTable: DemoWeightedTable<Int>
    let unmappedCountries: [String]
    let purposes: [Purpose]
    let requiredSubjectFields: [String]
    let requiredEventFields: [String]
    let birthYears: DemoWeightedTable<Int>
    let birthYearBounds: ClosedRange<Int>
    let amountBounds: ClosedRange<Int>
    let undeclaredPurposes: [String]
    let unknownEventTypes: [String]
    let campaigns: DemoWeightedTable<Int>
    let channels: DemoWeightedTable<DemoChannel>
    let devices: DemoWeightedTable<DemoDevice>
    /// How busy each day and hour of the window is.
    let calendar: DemoCalendar

    /// The first external id number: subject 0 is `c-1001`.
    static let firstNumber = 1001
    /// The year the window ends in; ages are counted at its end.
    let referenceYear: Int
    /// The first second of the 365-day window events happen in.
    let yearStart: Int64
    /// The last second of that window (`DemoDataOptions.windowEnd`).
    let yearEnd: Int64
    /// Two years before the window: the earliest consent of a customer from before it.
    let earliestConsent: Int64

    /// Prepares a generator; nothing is written yet.
    ///
    /// - Throws: ``DemoDataError`` when the options are out of range, the catalog lacks a
    ///   field, purpose or event type the generator writes (or requires one it cannot make
    ///   up), or no built-in country maps to a region.
    public init(
        configuration: PolicyConfiguration,
        seed: UInt64,
        options: DemoDataOptions = DemoDataOptions()
    )
        throws(DemoDataError)
    {
        try options.validate()
        self.configuration = configuration
        self.seed = seed
        self.options = options
        yearEnd = options.windowEnd
        yearStart = options.windowEnd - 365 * 86_400 + 1
        earliestConsent = yearStart - 2 * 365 * 86_400
        let reference = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "UTC")!,
            from: Date(timeIntervalSince1970: Double(options.windowEnd))
        ).year!
        referenceYear = reference
        let catalog = configuration.catalog
        try Self.checkWritable(catalog)
        (markets, marketTable) = try Self.resolveMarkets(in: configuration)
        unmappedCountries = DemoMarket.unmappedCountries.filter { configuration.region(ofCountry: $0) == nil }
        purposes = catalog.purposes.map(\.purpose)
        requiredSubjectFields = catalog.subjectFields.filter(\.isRequired).map(\.name)
        requiredEventFields = catalog.eventFields.filter(\.isRequired).map(\.name)

        let birthYear = catalog.subjectField(named: "birthYear")
        birthYearBounds = (birthYear?.minimum ?? 1900)...(birthYear?.maximum ?? 2100)
        birthYears = Self.birthYearTable(referenceYear: reference)
        let amount = catalog.eventField(named: "amountCents")
        amountBounds = max(100, amount?.minimum ?? 0)...min(100_000, amount?.maximum ?? 100_000)
        undeclaredPurposes = ["profiling", "remarketing", "data_brokerage"].filter {
            !catalog.declares(Purpose(rawValue: $0))
        }
        let eventTypes = catalog.eventField(named: "event")?.values ?? []
        unknownEventTypes = ["pageview", "checkout", "add-to-cart", "wishlist_add"].filter { !eventTypes.contains($0) }
        // Zipf-like long tail: campaign k is chosen in proportion to 1/k.
        campaigns = DemoWeightedTable((1...200).map { ($0, UInt64(1_000_000 / $0)) })
        // Visits that do not start from a marketing email or an ad click.
        channels = DemoWeightedTable([(.direct, 36), (.search, 38), (.social, 14), (.referral, 12)])
        calendar = DemoCalendar(windowStart: yearStart)
        devices = DemoWeightedTable([(.mobile, 58), (.desktop, 35), (.tablet, 7)])
    }

    /// The catalog must declare every field, purpose and event type demo lines carry, and
    /// require no field a valid line may leave out.
    private static func checkWritable(_ catalog: Catalog) throws(DemoDataError) {
        try check(
            catalog.subjectFields,
            written: subjectFieldNames,
            always: ["externalId", "country"],
            kind: "subject"
        )
        try check(
            catalog.eventFields,
            written: eventFieldNames,
            always: ["externalId", "ts", "event", "purpose"],
            kind: "event"
        )
        for purpose in DemoEventPurpose.allCases where !catalog.declares(Purpose(rawValue: purpose.rawValue)) {
            throw DemoDataError(
                .catalogMismatch,
                "the catalog does not declare the purpose '\(purpose.rawValue)' demo events use"
            )
        }
        let eventTypes = catalog.eventField(named: "event")?.values ?? []
        for kind in DemoEventKind.allCases where !eventTypes.contains(kind.rawValue) {
            throw DemoDataError(.catalogMismatch, "the catalog's event types lack '\(kind.rawValue)'")
        }
    }

    /// The built-in markets whose country maps to a region, each with its region and
    /// policy, and a table that draws them by weight.
    private static func resolveMarkets(
        in configuration: PolicyConfiguration
    ) throws(DemoDataError) -> ([ResolvedMarket], DemoWeightedTable<Int>) {
        var resolved: [ResolvedMarket] = []
        var weights: [(Int, UInt64)] = []
        for market in DemoMarket.all {
            guard let country = CountryCode(rawValue: market.country), let region = configuration.region(of: country)
            else {
                continue
            }
            weights.append((resolved.count, market.weight))
            resolved.append(
                ResolvedMarket(
                    market: market,
                    country: country,
                    region: region.id,
                    policy: configuration.policy(for: region.id)
                )
            )
        }
        guard !resolved.isEmpty else {
            throw DemoDataError(.noCountries, "no built-in demo country maps to a region of this configuration")
        }
        return (resolved, DemoWeightedTable(weights))
    }

    /// Birth years 1950...2012, weighted by the customer's age at the end of the window.
    private static func birthYearTable(referenceYear: Int) -> DemoWeightedTable<Int> {
        DemoWeightedTable(
            (1950...2012).map { year in
                switch referenceYear - year {
                case ..<18: (year, 16)
                case ..<25: (year, 20)
                case ..<45: (year, 30)
                case ..<65: (year, 20)
                default: (year, 8)
                }
            }
        )
    }

    /// Writes `subjects.ndjson` and `events.ndjson` into `directory` (created if missing)
    /// and reports what they hold. Each file is written under a temporary name and renamed
    /// when complete, so an interrupted run never leaves a file that looks whole.
    public func generate(
        into directory: URL,
        progress: (DemoDataProgress) -> Void = { _ in }
    ) throws(DemoDataError)
        -> DemoDataSummary
    {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DemoDataError(.fileSystem, "cannot create directory \(directory.path): \(error.localizedDescription)")
        }
        let subjects = try writeFile(directory.appending(path: "subjects.ndjson")) { writer throws(DemoDataError) in
            try writeSubjects(to: &writer, progress: progress)
        }
        let events = try writeFile(directory.appending(path: "events.ndjson")) { writer throws(DemoDataError) in
            try writeEvents(to: &writer, progress: progress)
        }
        return DemoDataSummary(seed: seed, invalidRate: options.invalidRate, subjects: subjects, events: events)
    }

    private func writeFile<Result>(
        _ url: URL,
        _ body: (inout DemoDataFileWriter) throws(DemoDataError) -> Result
    ) throws(DemoDataError) -> Result {
        let temporary = url.deletingLastPathComponent().appending(path: ".\(url.lastPathComponent).partial")
        var writer = try DemoDataFileWriter(creating: temporary)
        let result = try body(&writer)
        try writer.close()
        do {
            try DurableFile.move(temporary, to: url)
        } catch {
            throw DemoDataError(.fileSystem, "\(error)")
        }
        return result
    }

    /// The subject fields written, by the names the catalog uses (pii is nested in lines).
    static let subjectFieldNames: Set<String> = [
        "externalId", "country", "birthYear", "email", "name", "phone", "address",
    ]
    /// The event fields written.
    static let eventFieldNames: Set<String> = [
        "externalId", "ts", "event", "channel", "campaign", "device", "amountCents", "purpose",
    ]

    /// Every written field must be declared, and every required field must be one written
    /// on every valid line.
    private static func check(
        _ fields: [Catalog.Field],
        written: Set<String>,
        always: Set<String>,
        kind: String
    ) throws(DemoDataError) {
        let declared = Set(fields.map(\.name))
        if let missing = written.subtracting(declared).sorted().first {
            throw DemoDataError(
                .catalogMismatch,
                "the catalog declares no \(kind) field '\(missing)', which demo data writes"
            )
        }
        if let unknown = fields.first(where: { $0.isRequired && !always.contains($0.name) }) {
            throw DemoDataError(
                .catalogMismatch,
                "the catalog requires the \(kind) field '\(unknown.name)', which demo data does not always write"
            )
        }
    }
}
