import Foundation
import Synchronization
import Testing

@testable import HTTPServer

/// The tracker's sweep runs on a timer while microhttpd's threads open, answer and close
/// connections; they must never disagree about time.
@Suite struct ConnectionTrackerTests {
    final class Stop: Sendable { let requested = Mutex(false) }

    @Test func aSweepRacingFinishedRequestsNeverTrapsOrCutsFreshOnes() throws {
        let tracker = ConnectionTracker()
        // A descriptor that shutdown() refuses harmlessly: nothing real is cut.
        nonisolated(unsafe) let contexts = (0..<8).map { _ in tracker.opened(fd: -1) }
        let stop = Stop()
        let finisher = Thread {
            while !stop.requested.withLock({ $0 }) {
                for context in contexts {
                    tracker.answering(context)
                    tracker.answered(context)  // stamps `since` with a time later than the sweep may hold
                }
            }
        }
        finisher.start()
        var cuts = 0
        for _ in 0..<200_000 { cuts += tracker.cutSlowRequests(olderThan: 3600) }
        stop.requested.withLock { $0 = true }
        while !finisher.isFinished { usleep(1000) }
        #expect(cuts == 0)
        #expect(tracker.cutSlowRequests(olderThan: 0) == 8)
        contexts.forEach(tracker.closed)
        #expect(tracker.count == 0)
    }
}

