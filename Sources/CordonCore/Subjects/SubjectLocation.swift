/// Where a subject lives: what `cordon subject lookup` prints (no personal data).
public struct SubjectLocation: Sendable, Codable, Equatable {
    public var subjectId: SubjectID
    public var region: String
    public var policy: String
    public var createdAt: String
    public var updatedAt: String
}
