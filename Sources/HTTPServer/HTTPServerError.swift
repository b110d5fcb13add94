#if canImport(Glibc)
import Glibc
#endif

/// Why `HTTPServer.start()` failed, worded for an operator.
public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    /// `host` cannot be bound (`reason` says why: not an IPv4 or IPv6 literal, a zone id, …).
    case invalidAddress(String, reason: String)
    /// Another socket already listens on this address and port.
    case addressInUse(host: String, port: UInt16)
    /// Binding or listening failed for another reason (errno and its text).
    case cannotListen(host: String, port: UInt16, errno: Int32, reason: String)
    /// The configuration is out of range (the messages say how).
    case invalidConfig([String])
    /// `start()` was called on a running server.
    case alreadyRunning

    public var description: String {
        switch self {
        case .invalidAddress(let host, let reason):
            "cannot listen on '\(host)': \(reason)"
        case .addressInUse(let host, let port):
            "cannot listen on \(Self.authority(host, port)): address already in use (is another hookd running?)"
        case .cannotListen(let host, let port, let code, let reason):
            "cannot listen on \(Self.authority(host, port)): \(reason)" + (code == 0 ? "" : " (errno \(code))")
        case .invalidConfig(let problems):
            "invalid HTTP server configuration: " + problems.joined(separator: "; ")
        case .alreadyRunning:
            "the HTTP server is already running"
        }
    }

    /// `host:port`, with an IPv6 host in brackets so that its colons are not read as the port's.
    private static func authority(_ host: String, _ port: UInt16) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Maps the shim's errno to a case.
    static func from(errno code: Int32, host: String, port: UInt16) -> HTTPServerError {
        switch code {
        // The literal parsed, yet the kernel will not bind it (ListenAddress already refuses the
        // known cases: link-local and IPv4-mapped addresses).
        case EINVAL: .invalidAddress(host, reason: "the kernel will not bind this address (EINVAL)")
        case EADDRINUSE: .addressInUse(host: host, port: port)
        case 0: .cannotListen(host: host, port: port, errno: 0, reason: "microhttpd failed to start (see its log)")
        default: .cannotListen(host: host, port: port, errno: code, reason: String(cString: strerror(code)))
        }
    }
}
