public import Foundation

/// A request with its deadline state at `now` next to the stored fields: `overdue`, and
/// `daysLeft` (null once completed). The shape `cordon dsr --json` and `GET /v1/dsr` share.
public struct DSRRequestStatus: Encodable, Sendable {
    public var request: DSRRequest
    public var now: Date

    public init(request: DSRRequest, now: Date) {
        self.request = request
        self.now = now
    }

    private enum CodingKeys: String, CodingKey {
        case overdue, daysLeft
    }

    public func encode(to encoder: any Encoder) throws {
        try request.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(request.isOverdue(now: now), forKey: .overdue)
        if request.isCompleted {
            try container.encodeNil(forKey: .daysLeft)
        } else {
            try container.encode(request.daysLeft(now: now), forKey: .daysLeft)
        }
    }
}
