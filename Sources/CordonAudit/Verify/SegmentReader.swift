import CordonSystem

#if canImport(Glibc)
import Glibc
#endif

/// Reads a segment front to back in blocks of whole lines, reusing one buffer: a scan of a
/// large log then touches a few megabytes of memory instead of a fresh copy of every file.
/// Owns the file descriptor (opened in `init`, closed in `deinit`).
final class SegmentReader {
    /// A run of whole lines (each ending in `\n`) read from the segment.
    struct Block {
        /// The buffer; its first `lineByteCount` bytes are the lines.
        let bytes: [UInt8]
        let lineByteCount: Int
        /// The segment offset of `bytes[0]`.
        let offset: UInt64
    }

    let name: String
    private let descriptor: Int32
    private var buffer: [UInt8]
    /// Bytes of `buffer` holding data (a partial line carried over, then what was read).
    private var filled = 0
    /// The segment offset of `buffer[0]`.
    private var bufferOffset: UInt64 = 0
    private var reachedEnd = false
    /// Bytes at the front of `buffer` returned in the last block, moved out on the next call.
    private var handedOut = 0

    /// Opens `path` for reading, or returns `nil` when it does not exist.
    init?(path: String, name: String, blockByteCount: Int) throws(AuditError) {
        do {
            descriptor = try SystemCall.open(path, O_RDONLY | O_CLOEXEC)
        } catch  where error.errno == ENOENT {
            return nil
        } catch {
            throw AuditError(.readFailed, error, "audit segment \(name)", file: name)
        }
        self.name = name
        buffer = [UInt8](repeating: 0, count: max(4096, blockByteCount))
    }

    deinit { SystemCall.close(descriptor) }

    /// The next block of whole lines, or `nil` when only a partial line (or nothing) is left.
    /// Drop the previous block before asking for the next, so the buffer is reused in place.
    func nextBlock() throws(AuditError) -> Block? {
        if handedOut > 0 {
            let carried = filled - handedOut
            let start = handedOut
            buffer.withUnsafeMutableBytes { bytes in
                if carried > 0 { _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, carried) }
            }
            filled = carried
            bufferOffset += UInt64(handedOut)
            handedOut = 0
        }
        while true {
            if !reachedEnd && filled < buffer.count { try fill() }
            let filled = filled
            if let lastNewline = buffer.withUnsafeBytes({ $0[..<filled].lastIndex(of: 0x0A) }) {
                handedOut = lastNewline + 1
                return Block(bytes: buffer, lineByteCount: handedOut, offset: bufferOffset)
            }
            if reachedEnd { return nil }
            // One line longer than the buffer: grow it.
            buffer += [UInt8](repeating: 0, count: buffer.count)
        }
    }

    /// Once ``nextBlock()`` returned `nil`: the bytes after the last `\n` (a torn tail when
    /// not zero).
    var trailingByteCount: Int { filled }

    /// Reads until the buffer is full or the file ends.
    private func fill() throws(AuditError) {
        do {
            let count = try SystemCall.readFully(descriptor, into: &buffer, from: filled)
            reachedEnd = filled + count < buffer.count
            filled += count
        } catch {
            throw AuditError(.readFailed, error, "audit segment \(name)", file: name)
        }
    }
}
