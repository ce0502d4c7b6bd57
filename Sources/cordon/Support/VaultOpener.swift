import CordonCore
import Foundation

/// Opens the vault of `--data` under the policies of `--config`, with the master key the
/// environment names; prints open warnings (torn audit tail, resumed rotation) to stderr.
enum VaultOpener {
    static func open(_ global: GlobalOptions) throws -> Vault {
        try requireDataDirectory(global.dataDirectory)
        let configuration = try PolicyBundle.load(global)
        let vault = try Vault.open(
            dataDirectory: global.dataDirectory,
            configuration: configuration,
            source: .fromEnvironment(dataDirectory: global.dataDirectory),
            passphraseParameters: PassphraseCost.fromEnvironment()
        )
        vault.warnings.forEach(Output.warning)
        return vault
    }

    /// Refuses a directory `cordon init` did not create, in the words of the fix (rather
    /// than the lock or key file the first open would trip over).
    static func requireDataDirectory(_ directory: URL) throws {
        guard InstanceConfiguration.exists(in: directory) else {
            throw CLIError(
                "\(directory.path) is not a Cordon data directory; run `cordon init` or pass `--data`"
            )
        }
    }
}

/// Closes the vault (final checkpoint) after `body`, whatever happens, and prints the
/// warnings the operation added (a DSR register update that failed after its effect).
func withVault<T>(_ global: GlobalOptions, _ body: (Vault) throws -> T) throws -> T {
    let vault = try VaultOpener.open(global)
    let shown = vault.warnings.count
    defer {
        vault.warnings.dropFirst(shown).forEach(Output.warning)
        do { try vault.close() } catch { Output.warning("closing the audit trail: \(error)") }
    }
    return try body(vault)
}
