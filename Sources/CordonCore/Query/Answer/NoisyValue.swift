/// A released value with its 95% confidence interval.
///
/// The interval comes from the exact noise distribution (or, for sums of several regions'
/// noise, their convolution or a sound union bound): the true value lies in it with
/// probability at least 95% over the noise. Derived values (averages, rates) carry a
/// conservative interval built from the intervals of their parts.
public struct NoisyValue: Sendable, Hashable, Codable {
    public var value: Double
    public var low: Double
    public var high: Double

    public init(value: Double, low: Double, high: Double) {
        self.value = value
        self.low = low
        self.high = high
    }

    /// `value ± halfWidth`.
    init(_ value: Int64, halfWidth: Int64, divisor: Double = 1) {
        self.init(
            value: Double(value) / divisor,
            low: Double(value - halfWidth) / divisor,
            high: Double(value + halfWidth) / divisor
        )
    }

    private enum CodingKeys: String, CodingKey { case value, ci95 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = try container.decode(Double.self, forKey: .value)
        let interval = try container.decode([Double].self, forKey: .ci95)
        guard interval.count == 2 else {
            throw DecodingError.dataCorruptedError(
                forKey: .ci95,
                in: container,
                debugDescription: "ci95 needs two bounds"
            )
        }
        low = interval[0]
        high = interval[1]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)
        try container.encode([low, high], forKey: .ci95)
    }

    /// Whether `truth` lies inside the interval.
    public func covers(_ truth: Double) -> Bool { low <= truth && truth <= high }
}

/// One cell of an answer: a dimension label or a noisy number.
public enum AnswerCell: Sendable, Hashable, Codable, CustomStringConvertible {
    case text(String)
    case number(NoisyValue)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .number(try container.decode(NoisyValue.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .text(let text): text
        case .number(let value): NoisyValue.format(value.value)
        }
    }
}

extension NoisyValue {
    /// A number for tables: integers without decimals, others with up to four.
    static func format(_ number: Double) -> String {
        if number == number.rounded() && abs(number) < 1e15 { return String(Int64(number)) }
        let scaled = (number * 10_000).rounded() / 10_000
        return String(scaled)
    }
}
