/// Whether processing a subject's data for a purpose is lawful right now, and why.
public enum LawfulBasisDecision: Sendable, Equatable {
    /// Lawful, on this basis (`consent`, `contract`, `notice` of an opt-out right, ...).
    case allowed(basis: LawfulBasis, model: ConsentModel)
    /// Not lawful; `reason` is a stable code and `message` a sentence for the operator.
    case refused(reason: RejectReason, message: String)

    public var isAllowed: Bool {
        if case .allowed = self { true } else { false }
    }
}
