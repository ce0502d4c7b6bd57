import CordonCore

/// One country the demo shop sells to: how many customers live there, what their names,
/// addresses and phone numbers look like, and how many browsers send Global Privacy Control.
struct DemoMarket: Sendable {
    /// How phone numbers are made up.
    enum PhonePlan: Sendable {
        /// `+1`, an area code, then the 555-0100 to 555-0199 block the North American
        /// Numbering Plan reserves for fiction.
        case northAmerica(areaCodes: [String])
        /// `+44 7700 900000` to `900999`, Ofcom's range reserved for drama.
        case britishDrama
        /// `+<callingCode><prefix>` and `digits` random digits: the right country prefix and
        /// length, but not a reserved range (most regulators publish none).
        case mobile(callingCode: String, prefixes: [String], digits: Int)
    }

    /// The ISO 3166-1 alpha-2 code.
    var country: String
    /// Customers per 10,000.
    var weight: UInt64
    var locale: DemoLocale
    var phone: PhonePlan
    /// The share of customers whose browser sends Sec-GPC: 1.
    var globalPrivacyControlRate: Double = 0.03

    /// A phone number in E.164 form.
    func phoneNumber(using random: inout DemoDataRandom) -> String {
        switch phone {
        case .northAmerica(let areaCodes):
            return "+1\(random.element(of: areaCodes))55501\(Self.digits(2, using: &random))"
        case .britishDrama:
            return "+447700900\(Self.digits(3, using: &random))"
        case .mobile(let callingCode, let prefixes, let digits):
            return "+\(callingCode)\(random.element(of: prefixes))\(Self.digits(digits, using: &random))"
        }
    }

    private static func digits(_ count: Int, using random: inout DemoDataRandom) -> String {
        var text = ""
        for _ in 0..<count { text.append(Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(random.int(below: 10))))) }
        return text
    }
}
