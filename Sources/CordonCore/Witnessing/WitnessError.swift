public import CordonCrypto

/// A witnessing round that could not finish, or a cosignature this node refuses.
///
/// Messages are safe to print and log: they name peers, URLs, tree sizes and key names,
/// never a token, and they say what to do next. A trail found cut or forked is not an
/// error but an alarm (``WitnessAlarm``): the round ends, refused, with the evidence kept.
public struct WitnessError: CordonError {
    /// A stable, extensible code; compare with `==`.
    public struct Code: CordonErrorCode {
        /// The code's name, as scripts and logs see it.
        public let name: String

        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A peer given as `NAME=URL=KEY` is malformed (its name, URL or verifier key).
        public static let invalidPeer = Code("invalid_peer")
        /// The peer did not answer, or answered with an HTTP error.
        public static let peerUnreachable = Code("peer_unreachable")
        /// The peer's checkpoint does not parse, or is not signed by its pinned key.
        public static let badCheckpoint = Code("bad_checkpoint")
        /// The peer was witnessed before under another verifier key or origin.
        public static let peerChanged = Code("peer_changed")
        /// A posted cosigned checkpoint is not a well-formed note with a cosignature line.
        public static let malformedCosignature = Code("malformed_cosignature")
        /// A posted checkpoint was not issued by this node, or is not on its trail.
        public static let notOurCheckpoint = Code("not_our_checkpoint")
        /// No signature line of a posted note is a valid cosignature by a configured witness.
        public static let unknownWitness = Code("unknown_witness")
        /// A signature line names a configured witness's key but does not verify.
        public static let forgedCosignature = Code("forged_cosignature")
    }

    /// What kind of failure this is.
    public let code: Code
    /// One or two sentences safe to print: what is wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message (declared here so callers need not import CordonCrypto to read it).
    public var description: String { message }
}
