public import CordonCrypto
import Foundation

/// The unwrapped keys of one keyring: its KEK versions and its named data keys.
///
/// A keyring is per region (`region:eu`), plus `control` and `audit`. The active KEK wraps
/// new subject DEKs; older versions stay available until everything they wrapped has been
/// rewrapped, so a rotation never makes data unreadable.
public struct Keyring: Sendable {
    /// Names of the data keys a keyring can hold, with the role each is unwrapped as.
    public enum DataKeyName: String, Sendable, CaseIterable {
        case blindIndex = "blind-index"
        case page = "page"
        case tokenHash = "token-hash"
        case auditSigningSeed = "audit-signing-seed"
        case auditPseudonym = "audit-pseudonym"
    }

    /// The keyring's name, e.g. `region:eu`.
    public let name: String
    /// The version new subject DEKs are wrapped under.
    public let activeKEKVersion: Int
    let keks: [Int: RegionKEK]
    let file: KeyringFile

    /// The active KEK.
    public var activeKEK: RegionKEK { keks[activeKEKVersion]! }

    /// Every KEK version present, oldest first.
    public var kekVersions: [Int] { keks.keys.sorted() }

    /// A KEK by version, or an error naming what exists.
    public func kek(version: Int) throws -> RegionKEK {
        guard let key = keks[version] else {
            throw KeyError(
                .unknownKey,
                "\(name) has no KEK version \(version) (present: \(kekVersions.map(String.init).joined(separator: ", ")))"
            )
        }
        return key
    }

    /// The versions of a named data key, oldest first.
    public func versions(of dataKey: DataKeyName) -> [Int] {
        (file.keys[dataKey.rawValue] ?? []).map(\.version)
    }

    /// A named data key (its newest version unless `version` is given), unwrapped as `role`.
    public func dataKey<R: KeyRole>(_ dataKey: DataKeyName, as role: R.Type, version: Int? = nil) throws -> SecretKey<R>
    {
        guard let entries = file.keys[dataKey.rawValue], !entries.isEmpty else {
            throw KeyError(.unknownKey, "\(name) has no \(dataKey.rawValue) key")
        }
        guard let entry = version.map({ v in entries.first { $0.version == v } }) ?? entries.last else {
            throw KeyError(.unknownKey, "\(name) has no \(dataKey.rawValue) key version \(version!)")
        }
        guard let wrapped = Data(base64Encoded: entry.wrapped) else {
            throw KeyError(.damagedKeyFile, "\(name): \(dataKey.rawValue) v\(entry.version) is not base64")
        }
        do {
            return try KeyWrap.unwrap(
                [UInt8](wrapped),
                as: role,
                using: try kek(version: entry.kekVersion),
                context: KeyContext.dataKey(keyring: name, name: dataKey.rawValue, version: entry.version)
            )
        } catch let error as CryptoError {
            throw KeyError(
                .damagedKeyFile,
                "\(name): \(dataKey.rawValue) v\(entry.version) does not authenticate (\(error.code))"
            )
        }
    }

    /// Wraps a subject's DEK under the active KEK; the subject id is bound as associated
    /// data, so a wrapped DEK moved to another subject's row does not open.
    public func wrapDEK(_ dek: SubjectDEK, subjectID: String) throws -> (wrapped: [UInt8], kekVersion: Int) {
        let wrapped = try KeyWrap.wrap(
            dek,
            using: activeKEK,
            context: KeyContext.subjectDEK(keyring: name, subjectID: subjectID, kekVersion: activeKEKVersion)
        )
        return (wrapped, activeKEKVersion)
    }

    /// Unwraps a subject's DEK wrapped under KEK `kekVersion`.
    public func unwrapDEK(_ wrapped: [UInt8], kekVersion: Int, subjectID: String) throws -> SubjectDEK {
        try KeyWrap.unwrap(
            wrapped,
            as: SubjectDEKRole.self,
            using: try kek(version: kekVersion),
            context: KeyContext.subjectDEK(keyring: name, subjectID: subjectID, kekVersion: kekVersion)
        )
    }
}

/// The associated data bound into each wrap, so a wrapped key only opens in its place.
enum KeyContext {
    static func kek(keyring: String, version: Int) -> [UInt8] {
        Array("cordon/kek/\(keyring)/v\(version)".utf8)
    }

    static func dataKey(keyring: String, name: String, version: Int) -> [UInt8] {
        Array("cordon/data-key/\(keyring)/\(name)/v\(version)".utf8)
    }

    static func subjectDEK(keyring: String, subjectID: String, kekVersion: Int) -> [UInt8] {
        Array("cordon/dek/\(keyring)/\(subjectID)/kek-v\(kekVersion)".utf8)
    }
}
