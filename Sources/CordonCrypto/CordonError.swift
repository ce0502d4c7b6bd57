/// The one shape of Cordon's errors: a stable code, a message safe to show and log, and the
/// error that caused this one, kept whole instead of flattened into the message.
///
/// A conforming error declares its `Code` (a ``CordonErrorCode``), `code` and `message`, and
/// stores `underlying` when it wraps a cause; `description` is the message unless the error
/// says otherwise. An error declared in another module restates `description` (and its code
/// its `description`) as one line, so that its callers, under `MemberImportVisibility`,
/// read them without importing CordonCrypto. Errors choose an HTTP status only by also opting into the server's
/// `HTTPResponseError` (STYLE item 5). The protocol lives in CordonCrypto, the lowest module
/// every domain module sees today; CordonStore, which does not see it, keeps its own
/// `StoreError` of the same shape.
///
/// ```swift
/// public struct KeyError: CordonError {
///     public struct Code: CordonErrorCode { ... }
///     public let code: Code
///     public let message: String
///     public let underlying: (any Error & Sendable)?
/// }
/// ```
public protocol CordonError: Error, CustomStringConvertible, Sendable {
    /// The error's stable, extensible code type.
    associatedtype Code: CordonErrorCode
    /// What kind of failure this is.
    var code: Code { get }
    /// One or two sentences safe to print and log: what is wrong and what to do. Never key
    /// bytes, plaintext or bound values.
    var message: String { get }
    /// The error that caused this one (a `StoreError`, a `CryptoError`, a decoding error),
    /// when there is one.
    var underlying: (any Error & Sendable)? { get }
}

extension CordonError {
    /// No cause, unless the error stores one.
    public var underlying: (any Error & Sendable)? { nil }

    /// The message.
    public var description: String { message }
}

/// A stable, extensible error code: a name scripts, logs and the HTTP API rely on. Compare
/// with `==` against the error type's static members.
public protocol CordonErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The code's name (`wrong_master_key`, `unknown_request`, ...).
    var name: String { get }
}

extension CordonErrorCode {
    /// The name.
    public var description: String { name }
}
