extension XChaCha20Poly1305 {
    /// A sealed message as stored: one version byte, the 24-byte nonce, the ciphertext and
    /// the 16-byte tag, in that order.
    ///
    /// The version byte names the algorithm (0x01: XChaCha20-Poly1305-IETF with a random
    /// nonce) so stored data can move to another algorithm later; it is authenticated
    /// along with the caller's associated data.
    public struct SealedBox: Sendable, Equatable {
        /// The only envelope version this build reads and writes: XChaCha20-Poly1305-IETF.
        public static let currentVersion: UInt8 = 0x01
        /// Bytes an envelope adds to its plaintext: version, nonce and tag.
        public static let overheadByteCount = 1 + XChaCha20Poly1305.nonceByteCount + XChaCha20Poly1305.tagByteCount

        /// The whole envelope, ready to store.
        public let combined: [UInt8]

        /// An envelope read back from storage.
        ///
        /// - Throws: `.unsupportedVersion` when the first byte names an algorithm this build
        ///   does not know; `.malformedEnvelope` when the bytes are too short to hold a
        ///   nonce and a tag.
        public init(combined: [UInt8]) throws {
            guard let version = combined.first else {
                throw CryptoError(.malformedEnvelope, "a sealed box cannot be empty")
            }
            // The version decides the layout, so it is checked before any size.
            guard version == Self.currentVersion else {
                throw CryptoError(.unsupportedVersion, "sealed box version \(version) is not supported")
            }
            guard combined.count >= Self.overheadByteCount else {
                throw CryptoError(
                    .malformedEnvelope,
                    "a sealed box needs at least \(Self.overheadByteCount) bytes, got \(combined.count)"
                )
            }
            self.combined = combined
        }

        /// An envelope this module has just built.
        init(validated combined: [UInt8]) {
            self.combined = combined
        }

        /// The algorithm version byte.
        public var version: UInt8 { combined[0] }
        /// The 24-byte nonce.
        public var nonce: [UInt8] { Array(combined[layout.nonce]) }
        /// The encrypted bytes, without the tag.
        public var ciphertext: [UInt8] { Array(combined[layout.ciphertext]) }
        /// The 16-byte Poly1305 tag.
        public var tag: [UInt8] { Array(combined[layout.tag]) }
        /// The size of the plaintext this box opens to.
        public var plaintextByteCount: Int { combined.count - Self.overheadByteCount }

        private var layout: Layout { Layout(byteCount: combined.count) }

        /// Where each part sits in an envelope of a given size.
        struct Layout {
            let nonce: Range<Int>
            let ciphertext: Range<Int>
            let tag: Range<Int>

            init(byteCount: Int) {
                precondition(byteCount >= SealedBox.overheadByteCount, "envelope shorter than its overhead")
                nonce = 1..<(1 + XChaCha20Poly1305.nonceByteCount)
                tag = (byteCount - XChaCha20Poly1305.tagByteCount)..<byteCount
                ciphertext = nonce.upperBound..<tag.lowerBound
            }
        }
    }
}
