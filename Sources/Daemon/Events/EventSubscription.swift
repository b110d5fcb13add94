import HTTPServer
import Synchronization

/// One `/events` client: a cursor into the `EventLog` and the bytes of the events it is sending.
///
/// The server pulls it (`HTTPBodyStream`) on one thread at a time; the log wakes it from the
/// writer's queue and the heartbeat timer.
public final class EventSubscription: HTTPBodyStream {
    struct State {
        var cursor: Int64
        /// Bytes taken from the log and not yet written (at most one pull's worth of events).
        var pending: [UInt8]
        var sent = 0
        var heartbeat = false
        var wake: (@Sendable () -> Void)?
        var finished = false
    }

    /// What this client asked for.
    public let filter: EventFilter
    private let log: EventLog  // no cycle that outlives the client: `finish` unsubscribes
    private let state: Mutex<State>

    init(log: EventLog, filter: EventFilter, cursor: Int64, greeting: [UInt8]) {
        self.log = log
        self.filter = filter
        state = Mutex(State(cursor: cursor, pending: greeting))
    }

    public func start(wake: @escaping @Sendable () -> Void) {
        state.withLock { $0.wake = wake }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> HTTPStreamRead {
        state.withLock { s -> HTTPStreamRead in
            while true {
                if s.sent < s.pending.count {
                    let count = min(buffer.count, s.pending.count - s.sent)
                    s.pending.withUnsafeBytes { bytes in
                        buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + s.sent, byteCount: count)
                    }
                    s.sent += count
                    return .bytes(count)
                }
                s.pending.removeAll(keepingCapacity: true)
                s.sent = 0
                switch log.read(after: s.cursor, filter: filter, maxBytes: 16 * 1024) {
                case .events(let bytes, let through):
                    s.cursor = through
                    s.pending = bytes
                    if bytes.isEmpty { continue }  // all filtered out: look further
                case .nothing:
                    guard s.heartbeat else { return .wait }
                    s.heartbeat = false
                    s.pending = Array(": heartbeat\n\n".utf8)
                case .overtaken, .closed:
                    // Overtaken: a client this slow would hold the ring; it reconnects with
                    // Last-Event-ID and is told of the gap.
                    return .end
                }
            }
        }
    }

    public func finish() {
        let first = state.withLock { s -> Bool in
            defer { s.finished = true; s.wake = nil }
            return !s.finished
        }
        if first { log.unsubscribe(self) }
    }

    func wake() {
        state.withLock { $0.wake }?()
    }

    func heartbeatDue() {
        state.withLock { $0.heartbeat = true }
        wake()
    }
}
