import Foundation
import Testing

@testable import CordonCrypto

/// ASCII input skips Foundation's Unicode normalization (decision 0021); it must give the
/// same normalized text, and so the same index, as the full path.
@Suite("BlindIndex: ASCII fast path")
struct BlindIndexASCIITests {
    /// Every ASCII code point, alone and between letters and whitespace.
    static let samples: [String] = {
        var samples = ["", " ", "\t\n\u{0B}\u{0C}\r ", "c-1001", " c-1001 ", "A b\tC", "\u{1F}x\u{7F}"]
        for byte in UInt8(0)...UInt8(0x7F) {
            let character = String(UnicodeScalar(byte))
            samples += [character, "a\(character)b", "\(character)id\(character)", " \(character) "]
        }
        return samples
    }()

    @Test func identifiersNormalizeAsFoundationDoes() {
        for sample in Self.samples {
            let reference = sample.precomposedStringWithCompatibilityMapping
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(BlindIndex.compatibilityNormalized(sample) == reference, "\(Array(sample.utf8))")
        }
    }

    @Test func emailsFoldAsFoundationDoes() throws {
        for sample in Self.samples.map({ "\($0)Ada@Example.COM\($0)" }) {
            let reference = sample.precomposedStringWithCompatibilityMapping
                .trimmingCharacters(in: .whitespacesAndNewlines)
                .lowercased().precomposedStringWithCompatibilityMapping
            let normalized = try? BlindIndex.normalizedEmail(sample)
            if let normalized { #expect(normalized == reference, "\(Array(sample.utf8))") }
        }
    }

    @Test func nonASCIITextTakesTheFullPath() {
        #expect(BlindIndex.trimmedIfASCII("ｃ-1") == nil)
        #expect(BlindIndex.compatibilityNormalized("\u{3000}ｃ-1 ") == "c-1")
    }
}
