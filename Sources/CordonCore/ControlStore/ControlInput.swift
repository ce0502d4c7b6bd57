import Foundation

/// Checks on the free-form values an operator types into the control store.
///
/// None of these values may carry personal data beyond Cordon's random subject id, so
/// the checks reject the most common slip (an email address) and anything that would
/// break a one-line listing. Errors never repeat the value.
enum ControlInput {
    /// The longest subject id accepted; Cordon's are 32 hex digits.
    static let maximumSubjectIDLength = 64
    /// The longest ticket reference accepted.
    static let maximumReferenceLength = 128
    /// The longest reason or outcome accepted.
    static let maximumTextLength = 1000

    /// A subject id: Cordon's random id, letters, digits, `-` and `_` only, so an email
    /// address or a name cannot be stored in its place.
    static func validate(subjectID: String) throws {
        let allowed = subjectID.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_")
        }
        guard !subjectID.isEmpty, subjectID.utf8.count <= maximumSubjectIDLength, allowed else {
            throw ControlError(
                .invalidInput,
                "a subject id is Cordon's random id (letters, digits, '-' or '_', at most \(maximumSubjectIDLength)); "
                    + "look the person up by email or external id first, never store those here"
            )
        }
    }

    /// A ticket reference from the requester's system: one line, no email address.
    static func validate(externalRef: String) throws {
        guard !externalRef.trimmingCharacters(in: .whitespaces).isEmpty, externalRef.count <= maximumReferenceLength,
            !externalRef.unicodeScalars.contains(where: \.isControl)
        else {
            throw ControlError(
                .invalidInput,
                "a reference must be one non-empty line of at most \(maximumReferenceLength) characters"
            )
        }
        guard !externalRef.contains("@") else {
            throw ControlError(
                .invalidInput,
                "the reference looks like an email address; give the ticket number from your own system instead"
            )
        }
    }

    /// A reason or an outcome: one line of at most ``maximumTextLength`` characters.
    static func validate(text: String, field: String) throws {
        guard text.count <= maximumTextLength, !text.unicodeScalars.contains(where: \.isControl) else {
            throw ControlError(
                .invalidInput,
                "the \(field) must be one line of at most \(maximumTextLength) characters"
            )
        }
    }
}

extension Unicode.Scalar {
    /// Whether the scalar is a C0 or C1 control character or DEL.
    fileprivate var isControl: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value)
    }
}
