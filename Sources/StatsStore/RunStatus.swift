/// A run's lifecycle state as stored in `runs.status`.
///
/// A struct, not an enum: a file written by a newer hookd may hold states this build does not
/// know, and reading it must still work.
public struct RunStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Accepted, waiting for the training queue.
    public static let queued = RunStatus(rawValue: "queued")
    /// Training.
    public static let running = RunStatus(rawValue: "running")
    /// Trained to the end.
    public static let finished = RunStatus(rawValue: "finished")
    /// Stopped by an error (see `RunRecord.error`).
    public static let failed = RunStatus(rawValue: "failed")
    /// Stopped on request.
    public static let cancelled = RunStatus(rawValue: "cancelled")
    /// Stopped by SIGTERM/SIGINT (or `--max-batches`) before its last epoch; the daemon resumes
    /// it from its checkpoint, so it has not ended.
    public static let interrupted = RunStatus(rawValue: "interrupted")

    /// Finished, failed or cancelled: the run trains no more unless a client resumes a failed or
    /// cancelled one (`StatsWriter.reopenRun`), so it may be deleted.
    public var hasEnded: Bool { self == .finished || self == .failed || self == .cancelled }

    public var description: String { rawValue }
}
