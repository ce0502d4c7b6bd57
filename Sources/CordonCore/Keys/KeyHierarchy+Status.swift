extension KeyHierarchy {
    /// Versions of every keyring, safe to print (ids and version numbers only).
    public struct Status: Sendable, Codable {
        public struct KeyringStatus: Sendable, Codable {
            public var name: String
            public var activeKEKVersion: Int
            public var kekVersions: [Int]
            public var dataKeys: [String: [Int]]
        }

        public var masterKeyID: String
        public var keyrings: [KeyringStatus]
    }

    /// Opens every keyring (proving each authenticates) and lists their versions.
    public func status() throws -> Status {
        var keyrings: [Status.KeyringStatus] = []
        for id in KeyringID.present(in: dataDirectory) {
            let keyring = try keyring(id)
            var dataKeys: [String: [Int]] = [:]
            for name in Keyring.DataKeyName.allCases where !keyring.versions(of: name).isEmpty {
                dataKeys[name.rawValue] = keyring.versions(of: name)
            }
            keyrings.append(
                .init(
                    name: keyring.name,
                    activeKEKVersion: keyring.activeKEKVersion,
                    kekVersions: keyring.kekVersions,
                    dataKeys: dataKeys
                )
            )
        }
        return Status(masterKeyID: masterKeyID, keyrings: keyrings)
    }
}
