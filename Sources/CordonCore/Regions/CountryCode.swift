import Foundation

/// An ISO 3166-1 alpha-2 country code, such as `DE` or `GB`, guaranteed to be assigned.
///
/// Regions map these codes to jurisdictions. Only the 249 officially assigned codes are
/// accepted: reserved codes such as `UK` (the United Kingdom is `GB`), `EU` or `XK` are
/// refused, so a typo cannot silently create a country no subject will ever come from.
public struct CountryCode: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The two uppercase letters.
    public let rawValue: String

    /// Accepts exactly an assigned, uppercase alpha-2 code; `nil` otherwise.
    public init?(rawValue: String) {
        guard Self.assigned.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Accepts user input: surrounding whitespace is trimmed and letters are uppercased,
    /// so ` de ` gives `DE`.
    ///
    /// ```swift
    /// CountryCode(normalizing: " gb ")  // GB
    /// CountryCode(normalizing: "UK")    // nil: the UK's code is GB
    /// ```
    public init?(normalizing input: String) {
        let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count == 2, trimmed.utf8.allSatisfy({ (0x41...0x5A).contains($0 & 0xDF) }) else {
            return nil
        }
        self.init(rawValue: trimmed.uppercased())
    }

    /// The two letters.
    public var description: String { rawValue }

    /// Orders codes alphabetically, for stable listings.
    public static func < (lhs: CountryCode, rhs: CountryCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The officially assigned ISO 3166-1 alpha-2 codes (ISO 3166 Maintenance Agency list;
    /// exceptionally or transitionally reserved codes excluded).
    static let assigned: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
        BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
        DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
        GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
        KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
        MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
        PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
        SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
        US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    )
}
