import CordonCore
import Foundation

/// The values given on the command line for one command, checked against its specs.
struct ParsedArguments {
    private(set) var options: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []
    let command: any ParsableCommand.Type

    /// Parses `arguments` for `command`; unknown options and missing values are usage errors.
    init(_ arguments: [String], for command: any ParsableCommand.Type) throws {
        self.command = command
        let specs = command.arguments
        // Positionals have names too (for help), but `--file` must not reach one.
        let named = specs.filter { !$0.isPositional }
        func spec(named name: String) -> ArgumentSpec? { named.first { $0.name == name } }
        func spec(short: Character) -> ArgumentSpec? { named.first { $0.shortName == short } }

        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            var name: Substring
            var inlineValue: String?
            let found: ArgumentSpec?
            if argument.hasPrefix("--") {
                name = argument.dropFirst(2)
                if let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = name[..<equals]
                }
                found = spec(named: String(name))
            } else {
                guard argument.count == 2 else {
                    throw UsageError("unknown option '\(argument)'", command: command)
                }
                name = argument.dropFirst()
                found = spec(short: name.first!)
            }
            guard let found else {
                throw UsageError("unknown option '\(argument)'", command: command)
            }
            switch found.kind {
            case .flag:
                guard inlineValue == nil else {
                    throw UsageError("--\(found.name) takes no value", command: command)
                }
                flags.insert(found.name)
            case .option(_, let repeating):
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else {
                        throw UsageError("--\(found.name) needs a value", command: command)
                    }
                    value = arguments[index]
                    index += 1
                }
                if !repeating, options[found.name] != nil {
                    throw UsageError("--\(found.name) given twice", command: command)
                }
                options[found.name, default: []].append(value)
            case .positional:
                throw UsageError("unknown option '\(argument)'", command: command)
            }
        }

        let positionalSpecs = specs.filter(\.isPositional)
        if positionals.count > positionalSpecs.count {
            throw UsageError("unexpected argument '\(positionals[positionalSpecs.count])'", command: command)
        }
        for (offset, spec) in positionalSpecs.enumerated() where offset >= positionals.count {
            if case .positional(optional: false) = spec.kind {
                throw UsageError("missing <\(spec.name)>", command: command)
            }
        }
    }

    /// The value of a single-valued option, if given.
    func option(_ name: OptionName) -> String? { options[declared(name)]?.last }

    /// Every value of a repeating option, in order.
    func values(_ name: OptionName) -> [String] { options[declared(name)] ?? [] }

    /// Whether a flag was given.
    func flag(_ name: OptionName) -> Bool { flags.contains(declared(name)) }

    /// Whether `command` declares the option or flag `name` (for option groups shared by
    /// commands that declare only part of them, such as ``GlobalOptions``).
    func declares(_ name: OptionName) -> Bool {
        command.arguments.contains { !$0.isPositional && $0.name == name.rawValue }
    }

    /// The key of an option `command` declares. Looking up one it does not declare is a
    /// programming error (the value could never be given), so it traps rather than
    /// answering `nil`; `CommandOptionsTests` looks up every command's options.
    private func declared(_ name: OptionName) -> String {
        precondition(
            declares(name),
            "\(command) looks up --\(name), which its arguments do not declare"
        )
        return name.rawValue
    }

    /// The positional argument at `index` (in declaration order), if given.
    func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    /// An option parsed as an RFC 3339 instant, or a usage error naming the flag.
    func date(_ name: OptionName) throws -> Date? {
        guard let text = option(name) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw UsageError(
                "--\(name) must be \(Timestamp.expectedForm), got '\(text)'",
                command: command
            )
        }
        return date
    }

    /// An option parsed as an integer within `range`, or a usage error naming it.
    func integer(_ name: OptionName, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = option(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError(
                "--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'",
                command: command
            )
        }
        return value
    }
}
