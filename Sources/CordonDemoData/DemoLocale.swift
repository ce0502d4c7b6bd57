import CordonCore

/// Given names, family names, streets and towns of one country: small built-in lists, enough
/// for plausible people and addresses, and nothing taken from real customer data.
struct DemoLocale: Sendable {
    /// A name as written, and its lowercase ASCII form for email addresses.
    struct Name: Sendable {
        var display: String
        var ascii: String
    }

    /// Where the family name goes.
    enum NameOrder: Sendable {
        /// `Anna Berg`.
        case givenFirst
        /// `Nagy Anna` (Hungarian).
        case familyFirst
        /// `王芳` (Chinese: family name first, no space).
        case familyFirstUnspaced
    }

    /// How a postal address reads.
    enum AddressStyle: Sendable {
        /// `12 High Street, Leeds LS1 4DY`.
        case numberFirst
        /// `Hauptstraße 12, 10115 Berlin`.
        case numberAfter
        /// `Rua das Flores, 123, 01310-200 São Paulo - SP`.
        case numberAfterComma
        /// `北京市朝阳区建国路88号`.
        case chinese
    }

    var femaleGiven: [Name]
    var maleGiven: [Name]
    /// Family names for men, or for everyone where they do not change with gender.
    var maleFamily: [Name]
    /// Family names for women, parallel to `maleFamily` (`Novák` / `Nováková`).
    var femaleFamily: [Name]
    var streets: [String]
    var towns: [String]
    var nameOrder: NameOrder
    var addressStyle: AddressStyle

    /// A locale from `;`-separated lists; an entry `Мария=maria` gives its ASCII form,
    /// otherwise it is folded from the Latin letters (`Müller` → `mueller`).
    init(
        female: String,
        male: String,
        family: String,
        femaleFamily: String? = nil,
        streets: String,
        towns: String,
        order: NameOrder = .givenFirst,
        address: AddressStyle = .numberAfter
    ) {
        femaleGiven = Self.names(female)
        maleGiven = Self.names(male)
        maleFamily = Self.names(family)
        self.femaleFamily = femaleFamily.map(Self.names) ?? maleFamily
        self.streets = Self.list(streets)
        self.towns = Self.list(towns)
        nameOrder = order
        addressStyle = address
        precondition(self.femaleFamily.count == maleFamily.count, "gendered family names must be parallel lists")
    }

    /// The same people living in other towns (`Austria` is `German` in Vienna and Graz).
    func living(in towns: String) -> DemoLocale {
        var copy = self
        copy.towns = Self.list(towns)
        return copy
    }

    /// A full name and the ASCII local part of an email address ending in `number`.
    func person(number: Int, using random: inout DemoDataRandom) -> (name: String, emailLocalPart: String) {
        let isFemale = random.chance(0.5)
        let given = random.element(of: isFemale ? femaleGiven : maleGiven)
        let familyIndex = random.int(below: maleFamily.count)
        let family = (isFemale ? femaleFamily : maleFamily)[familyIndex]
        let name: String
        switch nameOrder {
        case .givenFirst: name = given.display + " " + family.display
        case .familyFirst: name = family.display + " " + given.display
        case .familyFirstUnspaced: name = family.display + given.display
        }
        let local: String
        switch random.int(below: 5) {
        case 0: local = "\(given.ascii).\(family.ascii)\(number)"
        case 1: local = "\(given.ascii)\(family.ascii)\(number)"
        case 2: local = "\(given.ascii.prefix(1)).\(family.ascii)\(number)"
        case 3: local = "\(family.ascii).\(given.ascii)\(number)"
        default: local = "\(given.ascii)_\(number)"
        }
        return (name, local)
    }

    /// A postal address in the locale's style.
    func address(using random: inout DemoDataRandom) -> String {
        let street = random.element(of: streets)
        let town = random.element(of: towns)
        switch addressStyle {
        case .numberFirst: return "\(random.int(in: 1...240)) \(street), \(town)"
        case .numberAfter: return "\(street) \(random.int(in: 1...180)), \(town)"
        case .numberAfterComma: return "\(street), \(random.int(in: 1...2400)), \(town)"
        case .chinese: return "\(town)\(street)\(random.int(in: 1...400))号"
        }
    }

    private static func list(_ text: String) -> [String] {
        let entries = text.split(separator: ";").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        precondition(!entries.isEmpty, "a locale list is empty")
        return entries
    }

    private static func names(_ text: String) -> [Name] {
        list(text).map { entry in
            if let equals = entry.firstIndex(of: "=") {
                return Name(display: String(entry[..<equals]), ascii: String(entry[entry.index(after: equals)...]))
            }
            return Name(display: entry, ascii: fold(entry))
        }
    }

    /// Lowercase ASCII letters and digits for a Latin-script name (`O'Sullivan` → `osullivan`).
    static func fold(_ text: String) -> String {
        var result = ""
        for character in text.lowercased() {
            if let replacement = foldings[character] {
                result += replacement
            } else if character.isASCII, character.isLetter || character.isNumber {
                result.append(character)
            }
        }
        return result
    }

    private static let foldings: [Character: String] = {
        var table: [Character: String] = ["ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "þ": "th", "ð": "d"]
        let groups = [
            "a": "àáâãåāąă", "c": "çćč", "d": "ď", "e": "èéêëēęėě", "g": "ģ", "i": "ìíîïīį", "k": "ķ",
            "l": "łļ", "n": "ñńňņ", "o": "òóôõōőø", "r": "ř", "s": "śšș", "t": "ťț", "u": "ùúûūůųű",
            "y": "ý", "z": "žźż",
        ]
        for (ascii, letters) in groups {
            for letter in letters { table[letter] = ascii }
        }
        return table
    }()
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\n" }).reversed().drop(while: { $0 == " " || $0 == "\n" }).reversed())
    }
}
