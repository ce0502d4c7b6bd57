import CordonSystem
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Writes through the real calls, at most `chunk` bytes a call, failing as told.
final class ScriptedWrites: FileWriteOperations {
    enum Failure {
        case none, interruptedOnce, noProgress
        case error(Int32)
        case syncError(Int32)
    }
    private let state: Mutex<(failure: Failure, calls: Int)>
    private let chunk: Int

    init(_ failure: Failure, chunk: Int = .max) {
        state = Mutex((failure, 0))
        self.chunk = chunk
    }

    var writeCalls: Int { state.withLock { $0.calls } }

    func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        let failure = state.withLock { state in
            state.calls += 1
            defer { if case .interruptedOnce = state.failure { state.failure = .none } }
            return state.failure
        }
        switch failure {
        case .interruptedOnce: return (-1, EINTR)
        case .noProgress: return (0, 0)
        case .error(let code): return (-1, code)
        case .none, .syncError: break
        }
        let part = UnsafeRawBufferPointer(rebasing: buffer[..<min(chunk, buffer.count)])
        return SystemWriteOperations().write(descriptor, part)
    }

    func sync(_ descriptor: Int32) -> Int32 {
        if case .syncError(let code) = state.withLock({ $0.failure }) { return code }
        return SystemWriteOperations().sync(descriptor)
    }
}

@Suite("DurableWrite")
struct DurableWriteTests {
    /// Writes `bytes` with `operations` into a new file; returns what the file holds, or the error.
    func write(_ bytes: [UInt8], using operations: ScriptedWrites) throws -> Result<[UInt8], SystemError> {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/file"
        let descriptor = try SystemCall.open(file, O_WRONLY | O_CREAT | O_CLOEXEC, permissions: 0o600)
        defer { SystemCall.close(descriptor) }
        do {
            try DurableWrite.writeAllThenSync(bytes, to: descriptor, path: file, using: operations)
        } catch {
            return .failure(error)
        }
        return .success([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
    }

    @Test func shortWritesAreContinuedUntilEveryByteIsWritten() throws {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let operations = ScriptedWrites(.none, chunk: 64)
        #expect(try write(bytes, using: operations).get() == bytes)
        #expect(operations.writeCalls == 16)
    }

    @Test func anInterruptedWriteIsRetried() throws {
        let operations = ScriptedWrites(.interruptedOnce)
        #expect(try write(Array("entry\n".utf8), using: operations).get() == Array("entry\n".utf8))
        #expect(operations.writeCalls == 2)
    }

    @Test func aWriteThatMakesNoProgressIsEIO() throws {
        let result = try write([1, 2, 3], using: ScriptedWrites(.noProgress))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.call == "write" && error.errno == EIO && error.path?.hasSuffix("/file") == true)
    }

    @Test(arguments: [ENOSPC, EIO, EDQUOT])
    func aFailedWriteThrowsItsErrno(code: Int32) throws {
        guard case .failure(let error) = try write([1, 2, 3], using: ScriptedWrites(.error(code))) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.call == "write" && error.errno == code)
    }

    @Test func aFailedSyncThrowsAfterTheBytesWereWritten() throws {
        guard case .failure(let error) = try write([1, 2, 3], using: ScriptedWrites(.syncError(EIO))) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.call == "fsync" && error.errno == EIO)
    }

    @Test func nothingToWriteStillSyncs() throws {
        let operations = ScriptedWrites(.syncError(ENOSPC))
        #expect(throws: SystemError.self) { try write([], using: operations).get() }
        #expect(operations.writeCalls == 0)
    }
}
