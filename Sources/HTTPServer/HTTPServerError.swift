#if canImport(Glibc)
import Glibc
#endif

/// Why `HTTPServer.start()` failed, worded for an operator.
public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    /// `host` is not an IPv4 literal.
    case invalidAddress(String)
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
        case .invalidAddress(let host):
            "cannot listen on '\(host)': not an IPv4 address (use e.g. 127.0.0.1 or 0.0.0.0)"
        case .addressInUse(let host, let port):
            "cannot listen on \(host):\(port): address already in use (is another hookd running?)"
        case .cannotListen(let host, let port, let code, let reason):
            "cannot listen on \(host):\(port): \(reason)" + (code == 0 ? "" : " (errno \(code))")
        case .invalidConfig(let problems):
            "invalid HTTP server configuration: " + problems.joined(separator: "; ")
        case .alreadyRunning:
            "the HTTP server is already running"
        }
    }

    /// Maps the shim's errno to a case.
    static func from(errno code: Int32, host: String, port: UInt16) -> HTTPServerError {
        switch code {
        case EINVAL: .invalidAddress(host)
        case EADDRINUSE: .addressInUse(host: host, port: port)
        case 0: .cannotListen(host: host, port: port, errno: 0, reason: "microhttpd failed to start (see its log)")
        default: .cannotListen(host: host, port: port, errno: code, reason: String(cString: strerror(code)))
        }
    }
}
