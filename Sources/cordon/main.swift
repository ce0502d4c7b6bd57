import Foundation

// The entry point only dispatches; every command lives in Commands/ (C callbacks and
// thread-hopping code must never be written here: top-level code is main-actor isolated).
exit(CommandRunner.run(CordonCommand.self, arguments: Array(CommandLine.arguments.dropFirst())))
