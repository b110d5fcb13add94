/// What a `StatsWriter` has just made durable, told to its observer on the writer queue after
/// the commit: the daemon's live event stream is fed from this, never from the training thread.
public enum StoreChange: Sendable {
    /// Rows committed in one transaction, in the order they were handed over.
    case rows(CommittedRows)
    /// A run was created (`queued`) or changed status; `error` as stored.
    case runStatus(runID: Int64, status: RunStatus, error: String?)
    /// A hook row was inserted (`id` set).
    case hookAttached(HookRecord)
    /// A hook row got its `detachedBatch`.
    case hookDetached(HookRecord)
}
