import CordonCore

/// Why demo data could not be generated; the message is safe to print.
public struct DemoDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// Counts or rates out of range.
        public static let invalidOptions = Code(name: "invalid_options")
        /// The catalog lacks a field, purpose or value the generator writes, or requires one
        /// it cannot make up.
        public static let catalogMismatch = Code(name: "catalog_mismatch")
        /// No country the generator knows maps to a region of the configuration.
        public static let noCountries = Code(name: "no_countries")
        /// A file or directory could not be created or written.
        public static let fileSystem = Code(name: "file_system")

        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A one-line explanation.
    public var message: String

    /// An error of `code` explained by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
