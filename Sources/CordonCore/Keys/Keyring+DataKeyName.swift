import CordonCrypto

extension Keyring.DataKeyName {
    /// Generates a fresh key of this name's role and wraps it under `kek`. The role is part
    /// of the wrap's associated data, so the key only unwraps as the role it was made for.
    func generateWrapped(under kek: RegionKEK, context: [UInt8]) throws -> [UInt8] {
        switch self {
        case .blindIndex: try KeyWrap.wrap(BlindIndexKey(), using: kek, context: context)
        case .page: try KeyWrap.wrap(PageKey(), using: kek, context: context)
        case .tokenHash: try KeyWrap.wrap(SecretKey<TokenHashKeyRole>(), using: kek, context: context)
        case .auditSigningSeed: try KeyWrap.wrap(SecretKey<SigningSeedRole>(), using: kek, context: context)
        case .auditPseudonym: try KeyWrap.wrap(AuditPseudonymKey(), using: kek, context: context)
        }
    }

    /// Moves a wrapped key of this name from one KEK to another without changing the key.
    func rewrap(_ wrapped: [UInt8], from old: RegionKEK, to new: RegionKEK, context: [UInt8]) throws -> [UInt8] {
        func move<R: KeyRole>(_ role: R.Type) throws -> [UInt8] {
            let key = try KeyWrap.unwrap(wrapped, as: role, using: old, context: context)
            return try KeyWrap.wrap(key, using: new, context: context)
        }
        return switch self {
        case .blindIndex: try move(BlindIndexKeyRole.self)
        case .page: try move(PageKeyRole.self)
        case .tokenHash: try move(TokenHashKeyRole.self)
        case .auditSigningSeed: try move(SigningSeedRole.self)
        case .auditPseudonym: try move(AuditPseudonymKeyRole.self)
        }
    }
}
