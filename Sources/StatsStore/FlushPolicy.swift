/// When the writer commits buffered rows: after `maxRows` rows or `maxDelayMilliseconds`,
/// whichever comes first, one transaction per flush.
public struct FlushPolicy: Sendable, Equatable {
    /// Commit as soon as this many rows are waiting.
    public var maxRows: Int
    /// Commit rows at most this long after the first of them was handed over.
    public var maxDelayMilliseconds: Int

    /// Creates a policy; defaults commit every 1000 rows (PERF-NOTES item 7) or 250 ms.
    public init(maxRows: Int = 1000, maxDelayMilliseconds: Int = 250) {
        self.maxRows = Swift.max(1, maxRows)
        self.maxDelayMilliseconds = Swift.max(0, maxDelayMilliseconds)
    }
}
