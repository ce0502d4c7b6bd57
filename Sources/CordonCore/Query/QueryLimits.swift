/// Hard limits on query text, so hostile input costs bounded time and memory and can never
/// exhaust the stack (the parser is recursive descent).
public enum QueryLimits {
    /// Longest accepted query text, in UTF-8 bytes.
    public static let maximumLength = 16_384
    /// Most tokens in one query.
    public static let maximumTokens = 2_000
    /// Deepest nesting of parentheses and NOT in a WHERE clause.
    public static let maximumDepth = 32
    /// Longest string literal, in UTF-8 bytes (the catalog's longest field is 128).
    public static let maximumLiteralLength = 256
    /// Most values in one `IN (...)` list.
    public static let maximumListLength = 100
    /// Most items in a SELECT list, and most GROUP BY dimensions.
    public static let maximumSelectItems = 16
    /// Most steps in a FUNNEL.
    public static let maximumFunnelSteps = 8
    /// Largest LIMIT.
    public static let maximumLimit = 10_000
    /// Longest WITHIN INTERVAL window, in days.
    public static let maximumWindowDays = 366
}
