import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The streaming responses of one running server, so that `stop` can end them first:
/// microhttpd must not see a suspended connection in MHD_stop_daemon.
final class OpenStreams: Sendable {
    private let open = Mutex<[ObjectIdentifier: StreamingConnection]>([:])

    func add(_ connection: StreamingConnection) {
        open.withLock { $0[ObjectIdentifier(connection)] = connection }
    }

    func remove(_ connection: StreamingConnection) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Streams being sent now.
    var count: Int { open.withLock { $0.count } }

    /// Ends every stream at its next pull, resumes the parked ones, and waits up to `timeout`
    /// seconds for microhttpd to take every resume (it calls the reader right after, which ends
    /// the body). A client that reads nothing does not hold this up: its connection is not parked.
    /// - Returns: how many were still parked when the wait ran out (0 normally).
    func endAll(timeout: Double) -> Int {
        let streams = open.withLock { Array($0.values) }
        for stream in streams { stream.end() }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeout) * 1e9)
        while true {
            let parked = open.withLock { $0.values.filter(\.isParked).count }
            if parked == 0 || DispatchTime.now().uptimeNanoseconds >= deadline { return parked }
            usleep(2_000)
        }
    }
}
