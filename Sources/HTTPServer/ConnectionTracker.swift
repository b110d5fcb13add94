import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Every open connection of one server and when it began waiting for its current request, so
/// that a client cannot hold a connection by sending a request slowly (`requestTimeoutSeconds`).
///
/// microhttpd's own timeout (`connectionTimeoutSeconds`) restarts at every byte: a client sending
/// one header line a second, or a body byte a second, is never idle and never cut. The tracker
/// measures the whole request instead, from the connection's start (or the end of its previous
/// request) to the moment its answer is queued, and shuts down the socket of a request over the
/// limit; microhttpd then sees the error and closes the connection itself. Answers being sent
/// (a large body, an event stream) are never cut here.
final class ConnectionTracker: Sendable {
    /// One connection; guarded by the tracker's lock.
    final class Record: @unchecked Sendable {  // fields guarded by the tracker's lock
        let fd: Int32
        /// Uptime (ns) when the connection began waiting for its current request.
        var since: UInt64
        /// True from the queued answer to the request's completion.
        var answering = false

        init(fd: Int32, since: UInt64) {
            self.fd = fd
            self.since = since
        }
    }

    private let records = Mutex<[ObjectIdentifier: Record]>([:])

    /// A connection opened; returns what microhttpd keeps as its socket context (+1).
    func opened(fd: Int32) -> UnsafeMutableRawPointer {
        let record = Record(fd: fd, since: Self.now())
        records.withLock { $0[ObjectIdentifier(record)] = record }
        return Unmanaged.passRetained(record).toOpaque()
    }

    /// The connection closed: forget it (before microhttpd closes its socket, so a sweep can never
    /// shut down a reused descriptor) and release the context.
    func closed(_ context: UnsafeMutableRawPointer) {
        let record = Unmanaged<Record>.fromOpaque(context)
        _ = records.withLock { $0.removeValue(forKey: ObjectIdentifier(record.takeUnretainedValue())) }
        record.release()
    }

    /// The request on this connection has its answer queued.
    func answering(_ context: UnsafeMutableRawPointer?) {
        guard let context else { return }
        let record = Unmanaged<Record>.fromOpaque(context).takeUnretainedValue()
        records.withLock { _ in record.answering = true }
    }

    /// The request is over; the connection now waits for its next one.
    func answered(_ context: UnsafeMutableRawPointer?) {
        guard let context else { return }
        let record = Unmanaged<Record>.fromOpaque(context).takeUnretainedValue()
        records.withLock { _ in
            record.answering = false
            record.since = Self.now()
        }
    }

    /// Connections open now.
    var count: Int { records.withLock { $0.count } }

    /// Shuts down the socket of every connection that has waited more than `timeout` seconds for
    /// its request; returns how many.
    @discardableResult
    func cutSlowRequests(olderThan timeout: Double) -> Int {
        let limit = UInt64(timeout * 1e9)
        return records.withLock { records in
            // Read under the lock, so after every `since` of the records seen here was stamped:
            // read before it, a request finished meanwhile is later, and the subtraction traps.
            let now = Self.now()
            var cut = 0
            for record in records.values where !record.answering && now - record.since > limit {
                // Under the lock: `closed` runs before microhttpd closes the descriptor, so it
                // is still this connection's.
                Glibc.shutdown(record.fd, Int32(SHUT_RDWR))
                record.since = now  // once; microhttpd closes it at its next poll
                cut += 1
            }
            return cut
        }
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
