import CordonStore
import Glibc

/// How an injected call fails.
enum FaultKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case eio, enospc, shortWrite

    var description: String {
        switch self {
        case .eio: "EIO"
        case .enospc: "ENOSPC"
        case .shortWrite: "short write"
        }
    }

    var sqlite: FaultInjection.Failure {
        switch self {
        case .eio: .eio
        case .enospc: .enospc
        case .shortWrite: .shortWrite
        }
    }

    var errno: Int32 { self == .eio ? EIO : ENOSPC }
}
