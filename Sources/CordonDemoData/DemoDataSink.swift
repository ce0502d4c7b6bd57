import CordonCore
public import Foundation

/// Where generated lines go: a file, or memory in tests.
public protocol DemoDataSink {
    /// Appends one line; `line` ends with its newline.
    mutating func write(_ line: [UInt8]) throws(DemoDataError)
}

/// Lines collected in memory, for tests and small previews.
public struct DemoDataBuffer: DemoDataSink, Sendable {
    /// Everything written so far.
    public var bytes: [UInt8] = []

    /// An empty buffer.
    public init() {}

    public mutating func write(_ line: [UInt8]) { bytes.append(contentsOf: line) }
}

/// Writes lines to a new file through a 1 MiB buffer, so millions of lines cost a few
/// thousand write(2) calls.
public final class DemoDataFileWriter: DemoDataSink {
    private let url: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var isClosed = false
    private static let capacity = 1 << 20

    /// Creates (or truncates) the file at `url`.
    public init(creating url: URL) throws(DemoDataError) {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: url.path)
        else {
            throw DemoDataError(.fileSystem, "cannot create \(url.path)")
        }
        self.handle = handle
        buffer.reserveCapacity(Self.capacity + 4096)
    }

    deinit {
        if !isClosed { try? handle.close() }
    }

    public func write(_ line: [UInt8]) throws(DemoDataError) {
        buffer.append(contentsOf: line)
        if buffer.count >= Self.capacity { try flush() }
    }

    /// Writes out what is buffered.
    public func flush() throws(DemoDataError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw DemoDataError(.fileSystem, "cannot write \(url.path): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; call once, after the last line.
    public func close() throws(DemoDataError) {
        try flush()
        isClosed = true
        do {
            try handle.close()
        } catch {
            throw DemoDataError(.fileSystem, "cannot close \(url.path): \(error.localizedDescription)")
        }
    }
}
