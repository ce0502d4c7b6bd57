extension ISODuration {
    /// Why a string is not an accepted ISO 8601 duration.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The rejected text.
        public var text: String
        /// What is wrong with it, in words.
        public var reason: String

        /// "'P1.5M' is not an ISO 8601 duration: fractions are not supported ..."
        public var description: String {
            "'\(text)' is not an ISO 8601 duration: \(reason) (accepted form: PnYnMnWnDTnHnMnS with non-negative integers, e.g. P1M, P45D, PT72H)"
        }
    }

    /// Parses the `PnYnMnWnDTnHnMnS` subset of ISO 8601 strictly.
    ///
    /// Designators must appear in order, each at most once, with a non-negative integer
    /// before each; `T` must be followed by at least one time component; fractions, signs,
    /// lowercase letters, spaces and the alternative `PYYYY-MM-DD` format are refused.
    ///
    /// ```swift
    /// try ISODuration(parsing: "P1M")    // one calendar month
    /// try ISODuration(parsing: "PT72H")  // 72 hours
    /// try ISODuration(parsing: "P1H")    // throws: H is a time unit and needs T
    /// ```
    public init(parsing text: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(text: text, reason: reason) }
        var bytes = text.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "P") else { throw fail("it must start with 'P'") }
        // Designators in the only order ISO 8601 allows; `T` switches to the time list.
        let dateUnits: [UInt8] = Array("YMWD".utf8)
        let timeUnits: [UInt8] = Array("HMS".utf8)
        var values: [Int] = Array(repeating: 0, count: 7)
        var inTime = false
        var nextAllowed = 0  // index into the current unit list
        var digits = ""
        var sawComponent = false
        var sawTimeComponent = false
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: "T"):
                guard !inTime else { throw fail("'T' appears twice") }
                guard digits.isEmpty else { throw fail("a number before 'T' has no unit") }
                inTime = true
                nextAllowed = 0
            case UInt8(ascii: "."), UInt8(ascii: ","):
                throw fail("fractions are not supported")
            default:
                let units = inTime ? timeUnits : dateUnits
                guard let position = units.firstIndex(of: byte) else {
                    let unit = Character(Unicode.Scalar(byte))
                    if !inTime, timeUnits.contains(byte) { throw fail("'\(unit)' is a time unit and must follow 'T'") }
                    throw fail("'\(unit)' is not a duration designator")
                }
                guard position >= nextAllowed else { throw fail("designators are out of order or repeated") }
                guard !digits.isEmpty else {
                    throw fail("'\(Character(Unicode.Scalar(byte)))' has no number before it")
                }
                guard let value = Int(digits) else { throw fail("the number \(digits) is too large") }
                values[(inTime ? 4 : 0) + position] = value
                digits = ""
                nextAllowed = position + 1
                sawComponent = true
                if inTime { sawTimeComponent = true }
            }
        }
        guard digits.isEmpty else { throw fail("the number \(digits) at the end has no unit") }
        guard sawComponent else { throw fail("it has no components") }
        guard !inTime || sawTimeComponent else { throw fail("'T' must be followed by hours, minutes or seconds") }
        self.init(
            years: values[0],
            months: values[1],
            weeks: values[2],
            days: values[3],
            hours: values[4],
            minutes: values[5],
            seconds: values[6]
        )
    }
}
