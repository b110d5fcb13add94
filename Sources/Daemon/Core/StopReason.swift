/// Why the active run is asked to stop at the next batch boundary.
public enum StopReason: Sendable, Equatable {
    /// `DELETE /runs/{id}`: the run ends `cancelled`.
    case cancel
    /// SIGTERM/SIGINT: checkpoint, then the run is `interrupted` and resumes at the next start.
    case shutdown
}
