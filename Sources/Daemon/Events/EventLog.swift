import Dispatch
import Synchronization

/// The daemon's recent events in memory, and the `/events` clients streaming them.
///
/// Events are published (from the stats writer's queue, after each commit) into a bounded ring:
/// the newest `capacity` stay, so a client that reconnects with `Last-Event-ID` resumes without a
/// gap while its events are still here. Clients hold only a cursor into the ring, never a copy, so
/// memory is bounded by the ring however many clients there are and however slowly they read;
/// a client the ring has overtaken is dropped (it reconnects and is told of the gap).
public final class EventLog: Sendable {
    /// Events kept for readers and for resuming.
    public let capacity: Int
    /// Most clients streaming at once (`http.max_streams`).
    public let maxStreams: Int

    struct State {
        /// `events[i]` has id `firstID + i`; ids are consecutive.
        var events: [ServerSentEvent] = []
        var firstID: Int64 = 1
        var subscribers: [ObjectIdentifier: EventSubscription] = [:]
        var closed = false
        var newestID: Int64 { firstID + Int64(events.count) - 1 }
    }

    private let state = Mutex(State())
    // DispatchSource is thread-safe; only its protocol type is not marked Sendable.
    nonisolated(unsafe) private let heartbeat: DispatchSourceTimer

    /// An empty log with a heartbeat for its clients every `heartbeatSeconds`.
    public init(capacity: Int = 16_384, maxStreams: Int = 64, heartbeatSeconds: Double = 15) {
        self.capacity = max(1, capacity)
        self.maxStreams = maxStreams
        heartbeat = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hookd.events.heartbeat", qos: .utility))
        heartbeat.schedule(deadline: .now() + heartbeatSeconds, repeating: heartbeatSeconds, leeway: .seconds(1))
        heartbeat.setEventHandler { [weak self] in self?.beat() }
        heartbeat.resume()
    }

    deinit { heartbeat.cancel() }

    /// Gives `events` the next ids, keeps them, and wakes every client.
    public func publish(_ events: [ServerSentEvent]) {
        guard !events.isEmpty else { return }
        let subscribers = state.withLock { s -> [EventSubscription] in
            guard !s.closed else { return [] }
            for var event in events {
                event.id = s.newestID + 1
                s.events.append(event)
            }
            // Trim in steps of a quarter, so appending stays amortised O(1).
            if s.events.count > capacity + capacity / 4 {
                let drop = s.events.count - capacity
                s.events.removeFirst(drop)
                s.firstID += Int64(drop)
            }
            return Array(s.subscribers.values)
        }
        for subscriber in subscribers { subscriber.wake() }
    }

    /// The id of the newest event (0 before the first).
    public var newestID: Int64 { state.withLock { $0.newestID } }

    /// Events being streamed now.
    public var streamCount: Int { state.withLock { $0.subscribers.count } }

    /// A new client's stream of the events after `lastEventID` (resuming) or after the newest
    /// (a fresh client), those `filter` admits.
    /// - Throws: `EventLogError` when `maxStreams` are open or the log is closed.
    public func subscribe(filter: EventFilter, after lastEventID: Int64?) throws(EventLogError) -> EventSubscription {
        try state.withLock { s throws(EventLogError) -> EventSubscription in
            if s.closed { throw .closed }
            guard s.subscribers.count < maxStreams else { throw .tooManyStreams(limit: maxStreams) }
            var greeting = "retry: 3000\n\n"
            var cursor = s.newestID
            if let lastEventID {
                if lastEventID > s.newestID || lastEventID < s.firstID - 1 {
                    // Unknown (a restarted daemon) or overtaken: say so, then go on from what is here.
                    let oldest = s.events.isEmpty ? s.newestID + 1 : s.firstID
                    var gap = ServerSentEvent(type: "gap", runID: nil, data:
                        #"{"last_event_id":\#(lastEventID),"oldest_id":\#(oldest),"message":"events after \#(lastEventID) are no longer in memory; reload the series"}"#)
                    gap.id = max(0, oldest - 1)
                    greeting += String(decoding: gap.wireBytes, as: UTF8.self)
                    cursor = oldest - 1
                } else {
                    cursor = lastEventID
                }
            }
            let subscription = EventSubscription(log: self, filter: filter, cursor: cursor, greeting: Array(greeting.utf8))
            s.subscribers[ObjectIdentifier(subscription)] = subscription
            return subscription
        }
    }

    /// What a client at `cursor` reads next: up to about `maxBytes` of admitted events.
    func read(after cursor: Int64, filter: EventFilter, maxBytes: Int) -> EventLogRead {
        state.withLock { s -> EventLogRead in
            if cursor < s.firstID - 1 { return .overtaken }
            var bytes: [UInt8] = []
            var next = cursor
            var index = Int(cursor + 1 - s.firstID)
            while index < s.events.count, bytes.count < maxBytes {
                let event = s.events[index]
                if filter.admits(event) { bytes += event.wireBytes }
                next = event.id
                index += 1
            }
            if next == cursor { return s.closed ? .closed : .nothing }
            return .events(bytes, through: next)
        }
    }

    func unsubscribe(_ subscription: EventSubscription) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: ObjectIdentifier(subscription)) }
    }

    /// Ends every stream once it has sent what it has (SIGTERM), and refuses new ones.
    public func close() {
        let subscribers = state.withLock { s -> [EventSubscription] in
            s.closed = true
            return Array(s.subscribers.values)
        }
        heartbeat.cancel()
        for subscriber in subscribers { subscriber.wake() }
    }

    private func beat() {
        for subscriber in state.withLock({ Array($0.subscribers.values) }) { subscriber.heartbeatDue() }
    }
}
