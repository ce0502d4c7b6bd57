import CordonAudit
import CordonCore
import CordonServer
import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing

/// The audit sink's syncs, held until the test opens the gate: every audited request then
/// waits in the group commit, so the requests in flight are the handlers running at once.
final class GatedAuditDisk: AuditFileOperations {
    private let open = Atomic<Bool>(true)

    func close() { open.store(false, ordering: .relaxed) }
    func release() { open.store(true, ordering: .relaxed) }

    func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        SystemFileOperations().write(descriptor, buffer)
    }

    func sync(_ descriptor: Int32) -> Int32 {
        while !open.load(ordering: .relaxed) { usleep(1000) }
        return SystemFileOperations().sync(descriptor)
    }
}

/// libmicrohttpd's pool: how it is sized, and that its size is how many handlers run at once.
@Suite("Server thread pool")
struct ThreadPoolTests {
    @Test(arguments: [(0, 64), (1, 64), (2, 64), (4, 64), (8, 128), (12, 192), (16, 256), (64, 256)])
    func theDefaultPoolIsSizedForRequestsWaitingOnTheDisk(processors: Int, threads: Int) {
        #expect(ServerConfiguration.defaultThreadPoolSize(processorCount: processors) == threads)
    }

    @Test func theDefaultConfigurationUsesThisMachinesSizing() {
        let configuration = ServerConfiguration(dataDirectory: URL(fileURLWithPath: "/nonexistent"))
        #expect(
            configuration.threadPoolSize
                == ServerConfiguration.defaultThreadPoolSize(
                    processorCount: ProcessInfo.processInfo.activeProcessorCount
                )
        )
    }

    @Test(arguments: [1, 4])
    func aPoolOfNThreadsRunsNHandlersAtOnceAndNoMore(threads: Int) throws {
        let disk = GatedAuditDisk()
        var audit = AuditConfiguration()
        audit.fileOperations = disk
        audit.checkpointEveryMilliseconds = 0
        let server = try AuditSinkServer(
            audit: audit,
            configure: {
                $0.bind = .loopback(port: 0)
                $0.threadPoolSize = threads
            }
        )
        defer { server.tearDown() }
        let host = try MicroHTTPDHost(api: server.api)
        defer { host.stop(grace: 1) }
        let client = RawHTTPClient(port: host.port)
        let request = RawHTTPClient.request([
            "GET /v1/audit/pubkey HTTP/1.1", "Host: 127.0.0.1", "Authorization: Bearer \(server.tokens["dpo"]!)",
            "Connection: close",
        ])
        disk.close()
        // Clients connect one at a time, each once the previous one's request is in a
        // handler (blocked: its audit entry cannot be synced). Only an idle pool thread
        // accepts a connection, so the first N requests land on N threads; later ones wait
        // unanswered, and the requests in flight stay at N.
        let clients = threads + 2
        let statuses = Mutex<[Int?]>([])
        let group = DispatchGroup()
        var inFlight: [Int] = []
        for index in 0..<clients {
            group.enter()
            Thread.detachNewThread {
                let status = client.exchange(request, timeout: 120).status
                statuses.withLock { $0.append(status) }
                group.leave()
            }
            if index < threads {
                for _ in 0..<30_000 where server.api.requestsInFlight <= index { usleep(1000) }
            } else {
                usleep(200_000)  // room for a wrongly accepted request to show up
            }
            inFlight.append(server.api.requestsInFlight)
        }
        #expect(inFlight == (0..<clients).map { min($0 + 1, threads) })
        disk.release()
        group.wait()
        let answered = statuses.withLock { $0 }
        #expect(answered.count == clients && answered.allSatisfy { $0 == 200 }, "\(answered)")
    }
}
