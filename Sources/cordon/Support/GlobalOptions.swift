import CordonCore
import Foundation

/// Options every command that touches a data directory or the policies accepts.
struct GlobalOptions {
    static let dataSpec = ArgumentSpec.option(
        .data,
        valueName: "DIR",
        help: "Data directory (default: $CORDON_DATA or ./cordon-data)."
    )
    static let configSpec = ArgumentSpec.option(
        .config,
        valueName: "DIR",
        help: "Directory holding policies/ and regions/ (default: $CORDON_CONFIG or the repository's)."
    )
    static let jsonSpec = ArgumentSpec.flag(.json, help: "Print exactly one JSON document on stdout.")

    static let all = [dataSpec, configSpec, jsonSpec]

    var dataDirectory: URL
    var configDirectory: URL?
    var json: Bool

    /// Reads whichever of ``all`` the command declares; the others take their defaults.
    init(parsed: ParsedArguments) {
        func given(_ name: OptionName) -> String? { parsed.declares(name) ? parsed.option(name) : nil }
        let environment = ProcessInfo.processInfo.environment
        let data = given(.data) ?? environment["CORDON_DATA"] ?? "./cordon-data"
        dataDirectory = URL(fileURLWithPath: data).standardizedFileURL
        if let config = given(.config) ?? environment["CORDON_CONFIG"] {
            configDirectory = URL(fileURLWithPath: config).standardizedFileURL
        } else {
            configDirectory = ConfigLocator.defaultDirectory()
        }
        json = parsed.declares(.json) && parsed.flag(.json)
    }

    /// The config directory, or a clear error telling the user how to name one.
    func requireConfigDirectory() throws -> URL {
        guard let configDirectory else {
            throw CLIError(
                "cannot find policies/ and regions/ next to this binary; pass --config DIR or set CORDON_CONFIG"
            )
        }
        return configDirectory
    }
}

/// Finds the shipped `policies/` and `regions/`: walks up from the executable (a build in
/// `.build/<config>/cordon` of a checkout finds the checkout), then the working directory.
enum ConfigLocator {
    static func defaultDirectory() -> URL? {
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let fileManager = FileManager.default
        return candidates.first { candidate in
            fileManager.fileExists(atPath: candidate.appendingPathComponent("policies").path)
                && fileManager.fileExists(atPath: candidate.appendingPathComponent("regions").path)
        }
    }
}
