/// Daemon-level refusals that HTTP maps to status codes.
public enum DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// New work is refused once SIGTERM has started the shutdown (503).
    case shuttingDown

    public var description: String {
        switch self {
        case .shuttingDown: "the daemon is shutting down"
        }
    }
}
