import Dispatch
import Foundation
import Testing

@testable import CordonCore

/// The scheduling rule of decision 0017: while an ingest runs, analysts' scans share
/// `cores − 1` cores; otherwise they are not held back. Each test parks scans on
/// semaphores and reads the gate's counts, so nothing depends on how fast the machine is.
@Suite("Scan gate")
struct ScanGateTests {
    /// Waits (up to a minute, on a loaded machine) until `condition` holds; false if it never did.
    private func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if condition() { return true }
            usleep(1_000)
        }
        return condition()
    }

    /// Starts a scan on another thread that stays inside the gate until `release` is signalled.
    private func parkedScan(_ gate: ScanGate, release: DispatchSemaphore, done: DispatchGroup) {
        done.enter()
        // A thread of its own: the dispatch pool can be busy with other suites' blocked work.
        Thread {
            gate.scan { release.wait() }
            done.leave()
        }.start()
    }

    @Test("keeps one core of two for a running ingest, and lets a held scan start when it ends")
    func holdsScansBackWhileIngesting() {
        let gate = ScanGate(cores: 2)
        #expect(gate.scansBesideIngest == 1)
        let ingest = gate.ingestStarted()
        let release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        parkedScan(gate, release: release, done: done)
        #expect(eventually { gate.running.scans == 1 })
        parkedScan(gate, release: release, done: done)
        #expect(eventually { gate.running.waiting == 1 })
        #expect(gate.running.scans == 1, "a second scan must wait while the ingest runs")

        ingest.end()
        #expect(eventually { gate.running.scans == 2 && gate.running.waiting == 0 })
        ingest.end()  // a second end changes nothing
        #expect(gate.running.ingests == 0)
        release.signal()
        release.signal()
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(gate.running.scans == 0)
    }

    @Test("does not hold scans back when no ingest runs")
    func scansRunSideBySideWithoutIngest() {
        let gate = ScanGate(cores: 2)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for _ in 0..<3 { parkedScan(gate, release: release, done: done) }
        #expect(eventually { gate.running.scans == 3 })
        #expect(gate.running.waiting == 0)
        for _ in 0..<3 { release.signal() }
        #expect(done.wait(timeout: .now() + 60) == .success)
    }

    @Test("lets a scan finish that an ingest started beside, and counts concurrent ingests")
    func ingestsNest() {
        let gate = ScanGate(cores: 4)
        #expect(gate.scansBesideIngest == 3)
        let first = gate.ingestStarted()
        let second = gate.ingestStarted()
        first.end()
        #expect(gate.running.ingests == 1)
        #expect(gate.scan { 7 } == 7)
        second.end()
        #expect(gate.running.ingests == 0)
        #expect(ScanGate(cores: 1).scansBesideIngest == 1, "one core still lets analysts scan, one at a time")
    }
}
