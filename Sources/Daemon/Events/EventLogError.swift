/// Why `EventLog.subscribe` refused a client.
public enum EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `http.max_streams` clients are streaming already.
    case tooManyStreams(limit: Int)
    /// The daemon is shutting down.
    case closed

    public var description: String {
        switch self {
        case .tooManyStreams(let limit): "\(limit) event streams are open already (http.max_streams); close one or raise the limit"
        case .closed: "the daemon is shutting down"
        }
    }
}
