/// One declared argument: an option taking a value, a flag, or a positional.
struct ArgumentSpec {
    enum Kind {
        /// `--name VALUE` (or `--name=VALUE`); `repeating` collects every occurrence.
        case option(valueName: String, repeating: Bool)
        /// `--name`, a boolean.
        case flag
        /// A bare argument, in declaration order.
        case positional(optional: Bool)
    }

    var name: String
    var shortName: Character?
    var kind: Kind
    var help: String

    static func option(_ name: OptionName, short: Character? = nil, valueName: String = "VALUE", help: String) -> Self {
        Self(name: name.rawValue, shortName: short, kind: .option(valueName: valueName, repeating: false), help: help)
    }

    static func repeatingOption(_ name: OptionName, valueName: String = "VALUE", help: String) -> Self {
        Self(name: name.rawValue, shortName: nil, kind: .option(valueName: valueName, repeating: true), help: help)
    }

    static func flag(_ name: OptionName, short: Character? = nil, help: String) -> Self {
        Self(name: name.rawValue, shortName: short, kind: .flag, help: help)
    }

    static func positional(_ name: String, optional: Bool = false, help: String) -> Self {
        Self(name: name, shortName: nil, kind: .positional(optional: optional), help: help)
    }

    /// Whether this is a bare argument rather than an option or flag.
    var isPositional: Bool {
        if case .positional = kind { true } else { false }
    }

    /// How the argument reads in a usage line.
    var usage: String {
        switch kind {
        case .option(let valueName, let repeating):
            "[--\(name) <\(valueName.lowercased())>]" + (repeating ? " ..." : "")
        case .flag:
            "[--\(name)]"
        case .positional(let optional):
            optional ? "[<\(name)>]" : "<\(name)>"
        }
    }

    /// How the argument reads in the OPTIONS / ARGUMENTS list.
    var label: String {
        switch kind {
        case .option(let valueName, _):
            (shortName.map { "-\($0), " } ?? "") + "--\(name) <\(valueName.lowercased())>"
        case .flag:
            (shortName.map { "-\($0), " } ?? "") + "--\(name)"
        case .positional:
            "<\(name)>"
        }
    }
}
