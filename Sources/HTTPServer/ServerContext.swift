/// What microhttpd's callbacks need, handed to them as an `Unmanaged` pointer.
///
/// Immutable, so any number of MHD threads can read it at once; a running daemon holds one +1
/// reference, released only after MHD_stop_daemon has returned (no callback can run after that).
import Synchronization

final class ServerContext: Sendable {
    let router: Router
    let config: HTTPServerConfig
    /// `config.threadCPUs` converted once, for the C shim every request calls.
    let serverCPUs: [Int32]?
    /// Streaming responses in flight, ended before microhttpd stops.
    let streams = OpenStreams()
    /// Open connections and how long each has waited for its request (`requestTimeoutSeconds`).
    let connections = ConnectionTracker()
    /// Requests begun and not yet answered in full (streams count until their head is queued),
    /// so that `stop` can let them finish.
    let inFlight = Atomic<Int>(0)

    init(router: Router, config: HTTPServerConfig) {
        self.router = router
        self.config = config
        serverCPUs = config.threadCPUs.map { $0.map { Int32($0) } }
    }
}
