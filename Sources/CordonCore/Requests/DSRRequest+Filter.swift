extension DSRRequest {
    /// Which requests a listing of the register returns (`cordon dsr list --status`,
    /// `GET /v1/dsr?status=`).
    public enum Filter: String, CaseIterable, Hashable, Sendable {
        /// Every request not yet completed, extended or not: the work queue.
        case open
        /// Requests whose deadline was extended and that are not yet completed.
        case extended
        /// Requests not completed whose deadline in force is past.
        case overdue
        /// Answered requests.
        case completed
        /// Everything.
        case all
    }
}
