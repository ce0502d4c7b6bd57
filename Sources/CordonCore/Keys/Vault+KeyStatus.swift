extension Vault {
    /// The key hierarchy's versions (ids and version numbers only, no key material), as
    /// `cordon keys status` prints them; each keyring is opened, proving it authenticates.
    public func keyStatus() throws -> KeyHierarchy.Status {
        try keys.status()
    }
}
