/// Where and how the HTTP server listens, and the bounds it puts on each client.
public struct HTTPServerConfig: Sendable, Equatable {
    /// Address to bind, as an IPv4 or IPv6 literal (see `ListenAddress`): `127.0.0.1` by default,
    /// `0.0.0.0` for every IPv4 interface, `::1` (or `[::1]`) for IPv6 loopback, `::` for every
    /// interface over IPv4 and IPv6 on one dual-stack socket. Never resolved as a host name.
    public var host: String
    /// TCP port; 0 picks a free ephemeral port (read it back from `HTTPServer.port`).
    public var port: UInt16
    /// Largest request body accepted; larger ones are answered 413 without being buffered.
    public var maxBodyBytes: Int
    /// Most simultaneous connections (MHD_OPTION_CONNECTION_LIMIT); more are refused at accept.
    public var connectionLimit: Int
    /// Seconds a connection may stay idle before it is closed (MHD_OPTION_CONNECTION_TIMEOUT;
    /// 0 = never). Bounds what a stalled client can hold.
    public var connectionTimeoutSeconds: Int
    /// Seconds a client has for each whole request, from the connection's start (or the end of
    /// its previous request) until the request is in: a sender trickling bytes is cut even though
    /// it is never idle (0 = no limit). Answers being sent are not limited by it.
    public var requestTimeoutSeconds: Int
    /// Per-connection memory pool for headers and read buffers (MHD_OPTION_CONNECTION_MEMORY_LIMIT);
    /// requests whose headers do not fit get microhttpd's own 431/414/413. microhttpd zeroes the
    /// whole pool between keep-alive requests, so its size is paid on every request: the default
    /// is microhttpd's own 32 KiB (bodies are buffered outside it).
    public var connectionMemoryLimitBytes: Int
    /// Threads serving connections: 1 = one internal polling thread; more = an MHD thread pool.
    public var threadCount: Int
    /// Nice value applied to each server thread on its first request (Linux per-thread nice), so
    /// training wins the cores under HTTP load (PERF-NOTES item 5); nil leaves threads as they are.
    public var threadNice: Int32?
    /// CPUs each server thread pins itself to on its first request (Linux affinity); nil leaves
    /// them where the process runs. With training pinned elsewhere, load on one never slows the other.
    public var threadCPUs: [Int]?
    /// Whether microhttpd reports its own errors on stderr (MHD_USE_ERROR_LOG).
    public var logErrors: Bool

    /// Creates a configuration; every default suits a local stats daemon on a 2-core machine.
    public init(
        host: String = "127.0.0.1",
        port: UInt16 = 8742,
        maxBodyBytes: Int = 1 << 20,
        connectionLimit: Int = 256,
        connectionTimeoutSeconds: Int = 30,
        requestTimeoutSeconds: Int = 15,
        connectionMemoryLimitBytes: Int = 32 * 1024,
        threadCount: Int = 1,
        threadNice: Int32? = 10,
        threadCPUs: [Int]? = nil,
        logErrors: Bool = true
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.connectionLimit = connectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.connectionMemoryLimitBytes = connectionMemoryLimitBytes
        self.threadCount = threadCount
        self.threadNice = threadNice
        self.threadCPUs = threadCPUs
        self.logErrors = logErrors
    }

    /// Problems that would make microhttpd misbehave, as messages; empty when valid.
    public var problems: [String] {
        var problems: [String] = []
        if maxBodyBytes < 0 { problems.append("maxBodyBytes must be >= 0, got \(maxBodyBytes)") }
        if connectionLimit < 1 || connectionLimit > Int(UInt32.max) {
            problems.append("connectionLimit must be >= 1, got \(connectionLimit)")
        }
        if connectionTimeoutSeconds < 0 || connectionTimeoutSeconds > Int(UInt32.max) {
            problems.append("connectionTimeoutSeconds must be >= 0, got \(connectionTimeoutSeconds)")
        }
        if requestTimeoutSeconds < 0 || requestTimeoutSeconds > 86400 {
            problems.append("requestTimeoutSeconds must be 0...86400, got \(requestTimeoutSeconds)")
        }
        if connectionMemoryLimitBytes < 4096 {
            problems.append("connectionMemoryLimitBytes must be >= 4096, got \(connectionMemoryLimitBytes)")
        }
        if threadCount < 1 || threadCount > 64 { problems.append("threadCount must be 1...64, got \(threadCount)") }
        if let threadNice, !(-20...19).contains(threadNice) {
            problems.append("threadNice must be -20...19, got \(threadNice)")
        }
        if let threadCPUs, threadCPUs.isEmpty || threadCPUs.contains(where: { !(0..<8192).contains($0) }) {
            problems.append("threadCPUs must be CPU numbers 0...8191, got \(threadCPUs)")
        }
        return problems
    }
}
