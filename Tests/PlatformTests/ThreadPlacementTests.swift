import Foundation
import Testing

@testable import Platform

/// Per-thread nice, CPUs and names, on real threads.
@Suite struct ThreadPlacementTests {
    /// Runs `body` on a fresh thread (placement changes stay off the test runner's threads).
    private func onNewThread<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.start()
        done.wait()
        return box.value!
    }

    @Test func aThreadTakesBackAPlacementItDidNotInherit() {
        let home = ThreadPlacement.current()
        let cpu = home.cpus[0]
        let (moved, problems, after) = onNewThread { () -> (ThreadPlacement, [String], ThreadPlacement) in
            // What a server thread looks like: niced down and pinned elsewhere.
            _ = ThreadPriority.set(nice: min(home.nice + 5, 19))
            try? ThreadAffinity.pin(to: [cpu])
            let moved = ThreadPlacement.current()
            return (moved, home.apply(), ThreadPlacement.current())
        }
        #expect(moved.nice == min(home.nice + 5, 19) && moved.cpus == [cpu])
        if getuid() == 0 {
            // Raising priority back needs CAP_SYS_NICE (root here) or LimitNICE=.
            #expect(problems.isEmpty && after == home, "\(problems)")
        } else {
            #expect(after.cpus == home.cpus)
        }
    }

    @Test func applyOnceNicesAThreadOnlyOnce() {
        let nices = onNewThread { () -> [Int32] in
            let start = ThreadPriority.currentNice
            ThreadPriority.applyOnce(nice: min(start + 1, 19))
            let first = ThreadPriority.currentNice
            ThreadPriority.applyOnce(nice: min(start + 2, 19))
            return [start, first, ThreadPriority.currentNice]
        }
        #expect(nices[1] == min(nices[0] + 1, 19) && nices[2] == nices[1])
    }

    @Test func threadNamesAreKeptAndTruncatedByTheKernel() {
        let names = onNewThread { () -> [String] in
            ThreadName.set("hookd.training")
            let first = ThreadName.current
            ThreadName.set("a-name-longer-than-fifteen-bytes")
            return [first, ThreadName.current]
        }
        #expect(names == ["hookd.training", "a-name-longer-t"])
    }
}

/// A value handed from a test thread back to the test (written before a semaphore signal).
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
