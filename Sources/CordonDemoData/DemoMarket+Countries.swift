import CordonCore

extension DemoMarket {
    /// A cross-border shop's customers: the US and the large EU markets first, the UK,
    /// Brazil and China next, then every other EU/EEA member and a few territories. Weights
    /// are per 10,000 and sum to 10,000.
    static let all: [DemoMarket] = [
        DemoMarket(
            country: "US",
            weight: 2900,
            locale: .american,
            phone: .northAmerica(areaCodes: ["212", "312", "415", "503", "512", "617", "702", "919"]),
            globalPrivacyControlRate: 0.10
        ),
        DemoMarket(
            country: "PR",
            weight: 20,
            locale: .american.living(in: "San Juan, PR 00901;Ponce, PR 00730"),
            phone: .northAmerica(areaCodes: ["787", "939"]),
            globalPrivacyControlRate: 0.10
        ),
        DemoMarket(
            country: "GU",
            weight: 4,
            locale: .american.living(in: "Hagåtña, GU 96910"),
            phone: .northAmerica(areaCodes: ["671"]),
            globalPrivacyControlRate: 0.10
        ),
        DemoMarket(
            country: "VI",
            weight: 3,
            locale: .american.living(in: "Charlotte Amalie, VI 00802"),
            phone: .northAmerica(areaCodes: ["340"]),
            globalPrivacyControlRate: 0.10
        ),
        DemoMarket(
            country: "AS",
            weight: 1,
            locale: .american.living(in: "Pago Pago, AS 96799"),
            phone: .northAmerica(areaCodes: ["684"]),
            globalPrivacyControlRate: 0.10
        ),
        DemoMarket(
            country: "MP",
            weight: 2,
            locale: .american.living(in: "Saipan, MP 96950"),
            phone: .northAmerica(areaCodes: ["670"]),
            globalPrivacyControlRate: 0.10
        ),
        DemoMarket(
            country: "DE",
            weight: 1200,
            locale: .german,
            phone: .mobile(callingCode: "49", prefixes: ["151", "160", "170", "176"], digits: 8)
        ),
        DemoMarket(country: "GB", weight: 1000, locale: .british, phone: .britishDrama),
        DemoMarket(
            country: "FR",
            weight: 800,
            locale: .french,
            phone: .mobile(callingCode: "33", prefixes: ["6", "7"], digits: 8)
        ),
        DemoMarket(
            country: "BR",
            weight: 800,
            locale: .brazilian,
            phone: .mobile(callingCode: "55", prefixes: ["119", "219", "319", "419", "719"], digits: 8)
        ),
        DemoMarket(
            country: "CN",
            weight: 700,
            locale: .chinese,
            phone: .mobile(callingCode: "86", prefixes: ["138", "139", "186", "158"], digits: 8)
        ),
        DemoMarket(
            country: "NL",
            weight: 380,
            locale: .dutch,
            phone: .mobile(callingCode: "31", prefixes: ["6"], digits: 8)
        ),
        DemoMarket(
            country: "ES",
            weight: 380,
            locale: .spanish,
            phone: .mobile(callingCode: "34", prefixes: ["6", "7"], digits: 8)
        ),
        DemoMarket(
            country: "IT",
            weight: 380,
            locale: .italian,
            phone: .mobile(callingCode: "39", prefixes: ["32", "33", "34"], digits: 8)
        ),
        DemoMarket(
            country: "PL",
            weight: 280,
            locale: .polish,
            phone: .mobile(callingCode: "48", prefixes: ["5", "6", "7"], digits: 8)
        ),
        DemoMarket(
            country: "SE",
            weight: 185,
            locale: .swedish,
            phone: .mobile(callingCode: "46", prefixes: ["70", "72", "73"], digits: 7)
        ),
        DemoMarket(
            country: "BE",
            weight: 140,
            locale: .belgian,
            phone: .mobile(callingCode: "32", prefixes: ["47", "48", "49"], digits: 7)
        ),
        DemoMarket(
            country: "AT",
            weight: 140,
            locale: .german.living(in: "1010 Wien;8010 Graz;5020 Salzburg;6020 Innsbruck"),
            phone: .mobile(callingCode: "43", prefixes: ["664", "676", "699"], digits: 7)
        ),
        DemoMarket(
            country: "IE",
            weight: 100,
            locale: .irish,
            phone: .mobile(callingCode: "353", prefixes: ["83", "85", "87"], digits: 7)
        ),
        DemoMarket(
            country: "DK",
            weight: 90,
            locale: .danish,
            phone: .mobile(callingCode: "45", prefixes: ["2", "3"], digits: 7)
        ),
        DemoMarket(
            country: "FI",
            weight: 70,
            locale: .finnish,
            phone: .mobile(callingCode: "358", prefixes: ["40", "50"], digits: 7)
        ),
        DemoMarket(
            country: "PT",
            weight: 70,
            locale: .portuguese,
            phone: .mobile(callingCode: "351", prefixes: ["91", "93", "96"], digits: 7)
        ),
        DemoMarket(
            country: "CZ",
            weight: 60,
            locale: .czech,
            phone: .mobile(callingCode: "420", prefixes: ["6", "7"], digits: 8)
        ),
        DemoMarket(
            country: "NO",
            weight: 60,
            locale: .norwegian,
            phone: .mobile(callingCode: "47", prefixes: ["4", "9"], digits: 7)
        ),
        DemoMarket(
            country: "GR",
            weight: 40,
            locale: .greek,
            phone: .mobile(callingCode: "30", prefixes: ["69"], digits: 8)
        ),
        DemoMarket(
            country: "RO",
            weight: 40,
            locale: .romanian,
            phone: .mobile(callingCode: "40", prefixes: ["7"], digits: 8)
        ),
        DemoMarket(
            country: "HU",
            weight: 30,
            locale: .hungarian,
            phone: .mobile(callingCode: "36", prefixes: ["20", "30", "70"], digits: 7)
        ),
        DemoMarket(
            country: "SK",
            weight: 15,
            locale: .slovak,
            phone: .mobile(callingCode: "421", prefixes: ["9"], digits: 8)
        ),
        DemoMarket(
            country: "HR",
            weight: 15,
            locale: .croatian,
            phone: .mobile(callingCode: "385", prefixes: ["91", "98"], digits: 7)
        ),
        DemoMarket(
            country: "BG",
            weight: 15,
            locale: .bulgarian,
            phone: .mobile(callingCode: "359", prefixes: ["87", "88", "89"], digits: 7)
        ),
        DemoMarket(
            country: "SI",
            weight: 10,
            locale: .slovenian,
            phone: .mobile(callingCode: "386", prefixes: ["31", "41"], digits: 6)
        ),
        DemoMarket(
            country: "LT",
            weight: 10,
            locale: .lithuanian,
            phone: .mobile(callingCode: "370", prefixes: ["6"], digits: 7)
        ),
        DemoMarket(
            country: "LV",
            weight: 8,
            locale: .latvian,
            phone: .mobile(callingCode: "371", prefixes: ["2"], digits: 7)
        ),
        DemoMarket(
            country: "EE",
            weight: 8,
            locale: .estonian,
            phone: .mobile(callingCode: "372", prefixes: ["5"], digits: 7)
        ),
        DemoMarket(
            country: "LU",
            weight: 8,
            locale: .luxembourgish,
            phone: .mobile(callingCode: "352", prefixes: ["621", "661", "691"], digits: 6)
        ),
        DemoMarket(
            country: "CY",
            weight: 5,
            locale: .greek.living(in: "1010 Λευκωσία;3036 Λεμεσός"),
            phone: .mobile(callingCode: "357", prefixes: ["96", "99"], digits: 6)
        ),
        DemoMarket(
            country: "MT",
            weight: 5,
            locale: .maltese,
            phone: .mobile(callingCode: "356", prefixes: ["79", "99"], digits: 6)
        ),
        DemoMarket(
            country: "IS",
            weight: 3,
            locale: .icelandic,
            phone: .mobile(callingCode: "354", prefixes: ["6", "8"], digits: 6)
        ),
        DemoMarket(
            country: "LI",
            weight: 2,
            locale: .german.living(in: "9490 Vaduz;9495 Triesen"),
            phone: .mobile(callingCode: "423", prefixes: ["7"], digits: 6)
        ),
        DemoMarket(
            country: "AX",
            weight: 1,
            locale: .swedish.living(in: "22100 Mariehamn"),
            phone: .mobile(callingCode: "358", prefixes: ["457"], digits: 7)
        ),
        DemoMarket(
            country: "RE",
            weight: 8,
            locale: .french.living(in: "97400 Saint-Denis;97410 Saint-Pierre"),
            phone: .mobile(callingCode: "262", prefixes: ["692", "693"], digits: 6)
        ),
        DemoMarket(
            country: "GP",
            weight: 4,
            locale: .french.living(in: "97110 Pointe-à-Pitre"),
            phone: .mobile(callingCode: "590", prefixes: ["690"], digits: 6)
        ),
        DemoMarket(
            country: "MQ",
            weight: 4,
            locale: .french.living(in: "97200 Fort-de-France"),
            phone: .mobile(callingCode: "596", prefixes: ["696"], digits: 6)
        ),
        DemoMarket(
            country: "GF",
            weight: 2,
            locale: .french.living(in: "97300 Cayenne"),
            phone: .mobile(callingCode: "594", prefixes: ["694"], digits: 6)
        ),
        DemoMarket(
            country: "YT",
            weight: 1,
            locale: .french.living(in: "97600 Mamoudzou"),
            phone: .mobile(callingCode: "262", prefixes: ["639"], digits: 6)
        ),
        DemoMarket(
            country: "MF",
            weight: 1,
            locale: .french.living(in: "97150 Marigot"),
            phone: .mobile(callingCode: "590", prefixes: ["690"], digits: 6)
        ),
    ]

    /// Country codes for the unknown-country defect: unassigned (`XX`, `ZZ`), the common
    /// mistake `UK`, and places whose own laws no region covers yet (Hong Kong, Macao,
    /// Jersey, Guernsey, the Isle of Man).
    static let unmappedCountries = ["XX", "ZZ", "UK", "HK", "MO", "JE", "GG", "IM"]
}
