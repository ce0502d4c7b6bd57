/// How the days of a deadline are counted.
public enum DayCount: String, CaseIterable, Hashable, Sendable {
    /// Every day counts; months are calendar months.
    case calendar
    /// Only Monday to Friday count. Public holidays are not known to Cordon and are
    /// counted as business days, which errs on the early (safe) side.
    case business
}
