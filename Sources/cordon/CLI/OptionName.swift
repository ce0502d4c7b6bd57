/// The name of an option or flag without its dashes (`page-cipher`): a command declares
/// each one it accepts in ``ParsableCommand/arguments`` and looks its value up by the same
/// key, so a misspelled name fails to compile and an undeclared one traps when looked up.
struct OptionName: Hashable, Sendable, CustomStringConvertible {
    let rawValue: String

    init(_ rawValue: String) { self.rawValue = rawValue }

    var description: String { rawValue }
}
