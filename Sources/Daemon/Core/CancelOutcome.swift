import StatsStore

/// What `DELETE /runs/{id}` achieved.
public enum CancelOutcome: Sendable, Equatable {
    /// The run was queued and is now `cancelled`.
    case cancelled
    /// The run is training; it stops at the next batch boundary and then reads `cancelled`.
    case stopping
    /// The run had already ended with this status; nothing changed.
    case alreadyEnded(RunStatus)
}
