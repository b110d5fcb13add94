import Synchronization

/// The HTTP front end: a libmicrohttpd daemon that answers every request through a `Router`.
///
/// ```swift
/// let server = HTTPServer(config: HTTPServerConfig(port: 0), router: router)
/// try server.start()
/// print(server.port!)   // the bound port
/// print(server.url!)    // http://127.0.0.1:<port>/
/// server.stop()         // idempotent; deinit stops too
/// ```
/// Handlers run on microhttpd's threads (one polling thread by default). `stop()` must not be
/// called from inside a handler: microhttpd cannot join the thread it is running on.
public final class HTTPServer: Sendable {
    /// The configuration this server starts with.
    public let config: HTTPServerConfig
    /// The routes this server answers with.
    public let router: Router

    private let running = Mutex<RunningDaemon?>(nil)

    /// Creates a stopped server.
    public init(config: HTTPServerConfig = HTTPServerConfig(), router: Router) {
        self.config = config
        self.router = router
    }

    deinit { stop() }

    /// Binds and starts serving; a stopped server can be started again.
    /// - Throws: `HTTPServerError` — `.addressInUse`, `.invalidAddress`, `.cannotListen`,
    ///   `.invalidConfig` or `.alreadyRunning`.
    public func start() throws {
        try running.withLock { running in
            guard running == nil else { throw HTTPServerError.alreadyRunning }
            running = try RunningDaemon(config: config, router: router)
        }
    }

    /// The bound port while running (the ephemeral one when configured with port 0), else nil.
    public var port: UInt16? { running.withLock { $0?.port } }

    /// The address listened on while running (parsed from `config.host`), else nil.
    public var address: ListenAddress? { running.withLock { $0?.address } }

    /// `http://host:port/` while running, with the bound port and an IPv6 host in brackets
    /// (`http://[::1]:8742/`), else nil. For `0.0.0.0` or `::` it names the wildcard itself.
    public var url: String? { running.withLock { $0.map { $0.address.url(port: $0.port) } } }

    /// Connections the running server allows: `config.connectionLimit`, or fewer when the
    /// process's open-file limit could not be raised to fit them; nil when stopped.
    public var connectionLimit: Int? { running.withLock { $0?.connectionLimit } }

    /// Whether the server is running.
    public var isRunning: Bool { running.withLock { $0 != nil } }

    /// Stops serving: refuses new connections, lets requests in flight finish for up to
    /// `drainSeconds` (a slow handler or a slow reader of a large answer), ends streaming
    /// responses, and closes every connection. Safe to call repeatedly and from any thread
    /// except a handler's.
    public func stop(drainSeconds: Double = 3) {
        let daemon = running.withLock { running in
            let daemon = running
            running = nil
            return daemon
        }
        daemon?.stop(drainSeconds: drainSeconds)
    }
}
