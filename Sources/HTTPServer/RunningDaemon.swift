import CMicroHTTPD
import Dispatch
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// One started MHD_Daemon and the context its callbacks use; stopped exactly once.
///
/// `@unchecked Sendable`: every stored property is immutable after init, and `HTTPServer` takes
/// an instance out of its `Mutex` before calling `stop()`, so that mutex makes the single stop
/// race-free. microhttpd itself allows MHD_stop_daemon from any thread but its own.
final class RunningDaemon: @unchecked Sendable {
    let daemon: OpaquePointer
    let context: Unmanaged<ServerContext>
    let address: ListenAddress
    let port: UInt16
    /// Connections allowed: `config.connectionLimit`, or fewer where the open-file limit is lower.
    let connectionLimit: Int
    /// Descriptors kept free for everything but client connections.
    static let descriptorsBesideConnections = 128
    /// Cuts requests over `requestTimeoutSeconds` (nil when that is 0).
    let requestTimer: DispatchSourceTimer?

    /// Starts microhttpd for `config` and `router`.
    /// - Throws: `HTTPServerError` with the reason the address could not be used.
    init(config: HTTPServerConfig, router: Router) throws {
        let problems = config.problems
        guard problems.isEmpty else { throw HTTPServerError.invalidConfig(problems) }
        // One descriptor per connection, plus what the rest of the process holds (SQLite, data
        // files, libtorch's threads): where the open-file limit cannot be raised that far, fewer
        // connections than configured (`connectionLimit` tells), rather than accept() failing.
        let wanted = config.connectionLimit + Self.descriptorsBesideConnections
        var connectionLimit = config.connectionLimit
        if let limit = OpenFileLimit.raise(toAtLeast: wanted), limit.soft < UInt64(wanted) {
            connectionLimit = Int(limit.soft) - Self.descriptorsBesideConnections
            guard connectionLimit >= 16 else {
                throw HTTPServerError.invalidConfig([
                    "the open-file limit is \(limit.soft) (hard \(limit.hard)): too low for a server; raise it (systemd: LimitNOFILE=)",
                ])
            }
        }
        self.connectionLimit = connectionLimit
        let address = try ListenAddress(config.host)
        let context = Unmanaged.passRetained(ServerContext(router: router, config: config))
        var code: Int32 = 0
        let started = address.withSocketAddress(port: config.port) { socketAddress, length in
            hookd_mhd_start(
                socketAddress, length, address.isDualStack ? 1 : 0, config.port,
                UInt32(connectionLimit),
                UInt32(config.connectionTimeoutSeconds), config.connectionMemoryLimitBytes,
                UInt32(config.threadCount), config.logErrors ? 1 : 0,
                MHDCallbacks.access, context.toOpaque(),
                MHDCallbacks.completed, context.toOpaque(),
                MHDCallbacks.uriLog, context.toOpaque(),
                MHDCallbacks.connectionNotice, context.toOpaque(),
                &code)
        }
        guard let started else {
            context.release()
            throw HTTPServerError.from(errno: code, host: address.literal, port: config.port)
        }
        self.daemon = started
        self.context = context
        self.address = address
        self.port = hookd_mhd_bound_port(started)
        requestTimer = Self.requestTimer(config, context.takeUnretainedValue().connections)
    }

    /// Checks the request clocks a few times per timeout (at most every second).
    private static func requestTimer(_ config: HTTPServerConfig, _ tracker: ConnectionTracker) -> DispatchSourceTimer? {
        guard config.requestTimeoutSeconds > 0 else { return nil }
        let timeout = Double(config.requestTimeoutSeconds)
        let period = min(1, timeout / 4)
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hookd.http.request-timeout", qos: .utility))
        timer.schedule(deadline: .now() + period, repeating: period, leeway: .milliseconds(50))
        timer.setEventHandler { tracker.cutSlowRequests(olderThan: timeout) }
        timer.resume()
        return timer
    }

    /// Stops accepting, closes every connection (running the completed callback for open
    /// requests) and joins microhttpd's threads; then the context can go.
    /// Stops accepting (new connections are refused), lets requests in flight finish for up to
    /// `drainSeconds`, ends the streams, then stops microhttpd.
    func stop(drainSeconds: Double) {
        let context = self.context.takeUnretainedValue()
        requestTimer?.cancel()
        // Quiesced, microhttpd no longer accepts, but the kernel would still queue connections on
        // the listening socket; shutting it down makes them fail at once (Linux: RST).
        let listener = MHD_quiesce_daemon(daemon)
        if listener >= 0 { Glibc.shutdown(listener, Int32(SHUT_RDWR)) }
        // MHD_stop_daemon must not meet a suspended connection: end every stream first.
        // The wait is bounded: microhttpd takes a resume within one poll round.
        _ = context.streams.endAll(timeout: 1)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, drainSeconds) * 1e9)
        while context.inFlight.load(ordering: .relaxed) > 0 && DispatchTime.now().uptimeNanoseconds < deadline {
            usleep(5_000)
        }
        MHD_stop_daemon(daemon)
        // After the stop: "it must not be closed until AFTER MHD_stop_daemon has been called".
        if listener >= 0 { Glibc.close(listener) }
        self.context.release()
    }
}
