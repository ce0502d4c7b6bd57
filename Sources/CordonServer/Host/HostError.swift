/// The error a host reports when it cannot start (a message saying what to do next).
public struct HostError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
