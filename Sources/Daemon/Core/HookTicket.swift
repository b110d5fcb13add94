import Dispatch
import Synchronization

/// The answer to one hook command, filled in once by the training loop and awaited by a handler.
public final class HookTicket: Sendable {
    private let outcome = Mutex<HookOutcome?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// An unanswered ticket.
    public init() {}

    /// Settles the ticket; later calls are ignored.
    public func complete(_ result: HookOutcome) {
        let first = outcome.withLock { current -> Bool in
            guard current == nil else { return false }
            current = result
            return true
        }
        if first { done.signal() }
    }

    /// Waits up to `milliseconds` for the outcome; nil on timeout (the command stays queued).
    public func wait(milliseconds: Int) -> HookOutcome? {
        _ = done.wait(timeout: .now() + .milliseconds(milliseconds))
        return outcome.withLock { $0 }
    }

    /// The outcome if already settled.
    public var result: HookOutcome? { outcome.withLock { $0 } }
}
