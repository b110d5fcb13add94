/// What a failed write (disk full, I/O error) means for the run.
public enum StatsErrorPolicy: String, Sendable, Equatable {
    /// The writer enters the failed state (`isFailed`), `flush()` throws; the caller fails the run.
    case failRun
    /// The writer stops recording statistics (counted as dropped) and training goes on.
    case continueWithoutStats
}
