/// A fideslang-style data category: dotted, most general first (`user.contact.email`).
///
/// Categories form a tree by their components, so `user.contact.email` is within
/// `user.contact` and within `user`, but not within `user.con`.
public struct DataCategory: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The dotted name.
    public var rawValue: String

    /// Wraps a dotted name; the linter checks its spelling (lowercase components of
    /// letters, digits and `_`, separated by single dots).
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wraps a literal category, as in `let category: DataCategory = "user.behavior"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The dotted name itself.
    public var description: String { rawValue }

    /// The dot-separated components, most general first.
    public var components: [Substring] { rawValue.split(separator: ".", omittingEmptySubsequences: false) }

    /// Whether this category equals `ancestor` or lies below it in the tree.
    ///
    /// ```swift
    /// DataCategory("user.contact.email").isWithin("user.contact")  // true
    /// DataCategory("user.contact.email").isWithin("user.con")      // false
    /// ```
    public func isWithin(_ ancestor: DataCategory) -> Bool {
        let mine = components
        let theirs = ancestor.components
        return theirs.count <= mine.count && zip(mine, theirs).allSatisfy { $0 == $1 }
    }

    /// Orders categories alphabetically, which lists each parent before its children.
    public static func < (lhs: DataCategory, rhs: DataCategory) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether the name is well formed: non-empty lowercase components of `a-z`, `0-9`, `_`.
    var isWellFormed: Bool {
        components.allSatisfy { component in
            !component.isEmpty
                && component.utf8.allSatisfy { byte in
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                }
        }
    }
}
