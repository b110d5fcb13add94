import Foundation
import Synchronization
import Testing

@testable import Platform

/// SIGTERM/SIGINT become one handler call, and the default actions come back on cancel.
@Suite(.serialized) struct SignalWatcherTests {
    @Test func theFirstSignalCallsTheHandlerOnceAndLaterOnesAreIgnored() throws {
        let calls = Mutex<[Int32]>([])
        let called = DispatchSemaphore(value: 0)
        let watcher = SignalWatcher(signals: [SIGUSR1, SIGUSR2]) { number in
            calls.withLock { $0.append(number) }
            called.signal()
        }
        // libdispatch registers the sources asynchronously; until then SIG_IGN drops a signal.
        var deadline = 100
        repeat {
            kill(getpid(), SIGUSR2)
            deadline -= 1
        } while called.wait(timeout: .now() + .milliseconds(50)) == .timedOut && deadline > 0
        #expect(deadline > 0)
        // Ignored at the process level: a second signal neither kills the test nor calls again.
        kill(getpid(), SIGUSR1)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(calls.withLock { $0 } == [SIGUSR2])
        watcher.cancel()
        var action = sigaction()
        sigaction(SIGUSR1, nil, &action)
        #expect(action.__sigaction_handler.sa_handler == nil)  // SIG_DFL
    }
}
