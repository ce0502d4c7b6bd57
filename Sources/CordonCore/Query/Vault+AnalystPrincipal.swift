extension APIToken {
    /// Whose privacy budget this token's queries spend: its name when that is a valid
    /// analyst name (letters, digits, `- _ . @ :`), else its id. Keyed by name, a rotated
    /// token (revoked, re-issued under the same name) keeps its budget.
    public var budgetHolder: String {
        let valid =
            !name.isEmpty && name.count <= 128
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@:".contains($0)) }
        return valid ? name : id
    }
}

extension QueryError.Code {
    /// The analyst named on the command line is no active analyst token: budgets belong to
    /// principals, so a new name cannot mint a fresh budget.
    public static let unknownAnalyst = QueryError.Code("unknown_analyst")
}

extension Vault {
    /// The active analyst token named `name` (`cordon query --analyst NAME`): budgets
    /// belong to principals the token registry knows, so a name typed on the command line
    /// cannot open a fresh budget.
    /// - Throws: ``QueryError/Code/unknownAnalyst`` naming the fix.
    public func analystToken(named name: String) throws -> APIToken {
        let active = try tokenRegistry().list().filter { !$0.isRevoked && $0.name == name }
        guard let token = active.first(where: { $0.role == .analyst }) else {
            let other =
                active.first.map { " ('\(name)' is an active \($0.role.rawValue) token, not an analyst's)" } ?? ""
            throw QueryError(
                .unknownAnalyst,
                "no active analyst token is named '\(name)'\(other): budgets belong to analyst tokens. Create one with `cordon token create --role analyst --regions all --name \(name) --purposes analytics`, or list the names with `cordon token list`"
            )
        }
        return token
    }

    /// The active analyst token whose secret this is (`--token SECRET`).
    /// - Throws: ``QueryError/Code/unknownAnalyst`` when it is unknown, revoked or not an analyst's.
    public func analystToken(presenting secret: String) throws -> APIToken {
        guard let token = try tokenRegistry().authenticate(secret), token.role == .analyst else {
            throw QueryError(
                .unknownAnalyst,
                "--token is not an active analyst token; create one with `cordon token create --role analyst --regions all --name NAME --purposes analytics`, or list them with `cordon token list`"
            )
        }
        return token
    }
}
