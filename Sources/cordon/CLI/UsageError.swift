/// A command line that cannot be run as written; exits 64 (EX_USAGE) with a hint.
struct UsageError: Error, CustomStringConvertible {
    let message: String
    let command: any ParsableCommand.Type

    init(_ message: String, command: any ParsableCommand.Type) {
        self.message = message
        self.command = command
    }

    var description: String { message }
}
