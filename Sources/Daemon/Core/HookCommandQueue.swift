import Synchronization

/// Hook attach/detach commands waiting for the training loop (ARCHITECTURE: applied at the
/// next batch boundary, never from a handler thread).
public final class HookCommandQueue: Sendable {
    private struct State {
        var commands: [HookCommand] = []
        var nextPendingID = 1
        /// The newest refusals, oldest first, at most `maxRefusals`.
        var refusals: [RefusedHook] = []
    }
    /// Bounds what a client hammering a queued run with bad attaches can make the daemon keep.
    static let maxRefusals = 100
    private let state = Mutex(State())

    /// An empty queue.
    public init() {}

    /// Queues `action` for `runID` (nil: the next run) and returns the command with its ticket.
    public func enqueue(_ action: HookCommand.Action, runID: Int64?) -> HookCommand {
        state.withLock { s in
            let command = HookCommand(pendingID: s.nextPendingID, action: action, runID: runID, ticket: HookTicket())
            s.nextPendingID += 1
            s.commands.append(command)
            return command
        }
    }

    /// Takes every command meant for `runID` or for whichever run comes next, in queue order.
    public func take(forRun runID: Int64) -> [HookCommand] {
        state.withLock { s in
            let taken = s.commands.filter { $0.runID == nil || $0.runID == runID }
            s.commands.removeAll { $0.runID == nil || $0.runID == runID }
            return taken
        }
    }

    /// Commands not yet applied.
    public var pending: [HookCommand] { state.withLock { $0.commands } }

    /// Keeps `refusal` for `GET /hooks`, dropping the oldest beyond `maxRefusals`.
    public func noteRefusal(_ refusal: RefusedHook) {
        state.withLock { s in
            s.refusals.append(refusal)
            if s.refusals.count > Self.maxRefusals { s.refusals.removeFirst(s.refusals.count - Self.maxRefusals) }
        }
    }

    /// The kept refusals of `runID`, oldest first.
    public func refusals(forRun runID: Int64) -> [RefusedHook] {
        state.withLock { s in s.refusals.filter { $0.runID == runID } }
    }

    /// Withdraws a queued command; returns it, or nil when it was already applied or never existed.
    public func cancel(pendingID: Int) -> HookCommand? {
        state.withLock { s in
            guard let index = s.commands.firstIndex(where: { $0.pendingID == pendingID }) else { return nil }
            return s.commands.remove(at: index)
        }
    }

    /// Answers every command meant for `runID` with `.runEnded` (the run will not reach another batch).
    public func runEnded(_ runID: Int64) {
        let dropped = state.withLock { s in
            let dropped = s.commands.filter { $0.runID == runID }
            s.commands.removeAll { $0.runID == runID }
            return dropped
        }
        for command in dropped { command.ticket.complete(.runEnded(runID)) }
    }
}
