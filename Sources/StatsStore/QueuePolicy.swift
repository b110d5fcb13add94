/// How many rows may wait for the writer, and what a producer does when that many are waiting.
///
/// When full, `record` blocks up to `blockMilliseconds` for the writer to catch up, then drops
/// the oldest waiting rows (counted in `StatsWriter.droppedRows`): training never waits longer.
public struct QueuePolicy: Sendable, Equatable {
    /// Rows that may wait; beyond it the oldest are dropped.
    public var capacity: Int
    /// How long a producer may wait for room before dropping.
    public var blockMilliseconds: Int

    /// Creates a policy; the defaults hold ~10 s of a busy run's rows and block at most 50 ms.
    public init(capacity: Int = 50_000, blockMilliseconds: Int = 50) {
        self.capacity = Swift.max(1, capacity)
        self.blockMilliseconds = Swift.max(0, blockMilliseconds)
    }
}
