public import Foundation

/// Runs the built `cordon` binary the way a user would, capturing its output: the CLI
/// fixture of the CLI tests and the reliability suite.
public struct CordonProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String

        public init(status: Int32, standardOutput: String, standardError: String) {
            self.status = status
            self.standardOutput = standardOutput
            self.standardError = standardError
        }
    }

    /// The package root.
    public static var packageRoot: URL { TestPackage.root }

    /// The debug binary `swift build` produced.
    public static let binary = TestPackage.root.appending(path: ".build/debug/cordon")

    /// Runs `cordon arguments...` with `environment` added to a clean environment (no
    /// inherited CORDON_* variables), optionally feeding `input` on stdin.
    public static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        input: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CORDON_") }
        base["CORDON_CONFIG"] = packageRoot.path
        base["CORDON_KDF_COST"] = "testing"
        process.environment = base.merging(environment) { $1 }
        let output = Pipe()
        let error = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        if let input {
            standardInput.fileHandleForWriting.write(Data(input.utf8))
        }
        try standardInput.fileHandleForWriting.close()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self)
        )
    }

    /// A scratch directory with a data directory `data` in it made by `cordon init`; the
    /// data directory's path is returned beside the scratch directory that owns it.
    public static func initialized() throws -> (TemporaryDirectory, String) {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let data = scratch.path("data")
        let result = try run(["init", "--data", data])
        guard result.status == 0 else { throw Failure(arguments: ["init", "--data", data], result: result) }
        return (scratch, data)
    }

    /// A command a fixture needed exited with a failure status.
    public struct Failure: Error, CustomStringConvertible {
        public var arguments: [String]
        public var result: Result

        public var description: String {
            "cordon \(arguments.joined(separator: " ")) exited \(result.status): \(result.standardError)"
        }
    }
}
