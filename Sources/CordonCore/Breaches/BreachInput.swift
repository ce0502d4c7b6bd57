import Foundation

/// Checks on what a DPO types into the breach register. Errors name the field and never
/// repeat the value (it may be personal data typed by mistake).
enum BreachInput {
    /// The longest title accepted.
    static let maximumTitleLength = 200
    /// The most subjects an estimate may state (more people than exist is a typo).
    static let maximumSubjectsEstimate = 10_000_000_000

    /// A title: one non-empty line without an email address.
    static func validate(title: String) throws {
        let trimmed = title.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, title.count <= maximumTitleLength, !title.unicodeScalars.contains(where: isControl)
        else {
            throw RegisterError(
                .invalidInput,
                "title: give one non-empty line of at most \(maximumTitleLength) characters (e.g. \"Lost laptop, Lyon office\")"
            )
        }
        guard !title.contains("@") else {
            throw RegisterError(
                .invalidInput,
                "title: it looks like an email address; describe the incident, not a person"
            )
        }
    }

    /// A free text (nature, consequences, measures, contact, closing note, reference):
    /// one line of at most 1,000 characters; `allowEmail` for the DPO's contact only.
    static func validate(text: String, field: String, allowEmail: Bool = false) throws {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty, text.count <= ControlInput.maximumTextLength,
            !text.unicodeScalars.contains(where: isControl)
        else {
            throw RegisterError(
                .invalidInput,
                "\(field): give one non-empty line of at most \(ControlInput.maximumTextLength) characters"
            )
        }
        if !allowEmail, text.contains("@") {
            throw RegisterError(
                .invalidInput,
                "\(field): it looks like an email address; the register holds no subject's contact details"
            )
        }
    }

    /// Affected regions: at least one, each configured, no repeats.
    static func validate(regions: [RegionID], configuration: PolicyConfiguration) throws {
        guard !regions.isEmpty else {
            throw RegisterError(.invalidInput, "regions: name at least one affected region (e.g. --regions eu,br)")
        }
        if regions.contains(where: { configuration.regions[$0] == nil }) {
            throw RegisterError(
                .invalidInput,
                "regions: one is not a region of this instance (the value is not repeated); regions: \(configuration.regions.keys.sorted().map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard Set(regions).count == regions.count else {
            throw RegisterError(.invalidInput, "regions: each region once")
        }
    }

    /// Data categories: each a catalog category, a parent of one, or below one.
    static func validate(categories: [DataCategory], catalog: Catalog) throws {
        let known = catalog.categories
        let unknown = categories.contains { category in
            !category.isWellFormed || !known.contains(where: { $0.isWithin(category) || category.isWithin($0) })
        }
        if unknown {
            throw RegisterError(
                .invalidInput,
                "categories: one is not a data category of the catalog (the value is not repeated); categories: \(known.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    /// An estimate of the number of subjects affected.
    static func validate(subjectsEstimate: Int) throws {
        guard (0...maximumSubjectsEstimate).contains(subjectsEstimate) else {
            throw RegisterError(.invalidInput, "subjects estimate: give a whole number from 0 to 10,000,000,000")
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
