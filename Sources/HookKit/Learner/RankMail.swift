/// What the ranks of a data-parallel run send rank 0 when a `RankSync` gathers: the statistics
/// each rank recorded (the daemon's recording provides it). Called on the training queue.
public protocol RankMail: AnyObject {
    /// Rank 0: whether it takes the other ranks' bytes (it records into a stats file). The
    /// other ranks drop what they hold when rank 0 does not.
    var collects: Bool { get }
    /// Ranks other than 0: how many bytes wait for rank 0.
    var pendingCount: Int { get }
    /// Ranks other than 0: the waiting bytes, which are then no longer waiting.
    func take() -> [UInt8]
    /// Ranks other than 0: forgets the waiting bytes (rank 0 collects none).
    func discard()
    /// Rank 0: the bytes rank `rank` sent.
    func received(_ bytes: ArraySlice<UInt8>, from rank: Int) throws
}
