import CordonCore
import Foundation

/// The media types an answer can be sent in, chosen from the request's `Accept`
/// (RFC 9110 § 12.5.1): the offer with the highest quality among the media ranges that
/// match it most specifically; on a tie JSON, then CSV, then the workbook. No `Accept`
/// means JSON.
enum AnswerMediaType: String, CaseIterable {
    case json = "application/json"
    case csv = "text/csv"
    case xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// The offer `request` accepts best.
    /// - Throws: 406 `not_acceptable` naming the offers when `Accept` allows none of them.
    static func negotiate(_ request: HTTPRequest, offers: [AnswerMediaType] = allCases) throws -> AnswerMediaType {
        guard let accept = request.headers["accept"], !accept.trimmingCharacters(in: .whitespaces).isEmpty else {
            return offers[0]
        }
        let ranges = accept.split(separator: ",").compactMap(MediaRange.init)
        var best: (offer: AnswerMediaType, quality: Double)?
        for offer in offers {
            let quality =
                ranges.filter { $0.matches(offer.rawValue) }.max { $0.specificity < $1.specificity }?.quality ?? 0
            if quality > 0 && quality > (best?.quality ?? 0) { best = (offer, quality) }
        }
        guard let best else {
            throw APIError(
                status: 406,
                code: "not_acceptable",
                message:
                    "this endpoint answers \(offers.map(\.rawValue).joined(separator: ", ")); send an Accept header that allows one of them"
            )
        }
        return best.offer
    }

    /// The answer encoded in this media type.
    func response(_ answer: QueryAnswer) throws -> HTTPResponse {
        switch self {
        case .json:
            return try HTTPResponse.json(answer)
        case .csv:
            return HTTPResponse.text(AnswerExport.csv(answer), contentType: AnswerExport.csvMediaType)
        case .xlsx:
            return HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", AnswerExport.xlsxMediaType),
                    ("Content-Disposition", "attachment; filename=\"answer.xlsx\""),
                ],
                body: AnswerExport.xlsx(answer)
            )
        }
    }
}

/// One range of an `Accept` header: `type/subtype`, `type/*` or `*/*`, with its `q`.
private struct MediaRange {
    var type: String
    var subtype: String
    var quality: Double

    init?(_ text: Substring) {
        let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let range = parts.first, case let names = range.split(separator: "/"), names.count == 2 else {
            return nil
        }
        type = String(names[0])
        subtype = String(names[1])
        quality = 1
        for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
            guard let value = Double(parameter.dropFirst(2)), value.isFinite, (0...1).contains(value) else {
                return nil
            }
            quality = value
        }
    }

    /// 2 for `type/subtype`, 1 for `type/*`, 0 for `*/*`.
    var specificity: Int { type == "*" ? 0 : subtype == "*" ? 1 : 2 }

    func matches(_ mediaType: String) -> Bool {
        let names = mediaType.split(separator: "/").map(String.init)
        return (type == "*" || type == names[0]) && (subtype == "*" || subtype == names[1])
    }
}
