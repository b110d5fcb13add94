/// The part of every epoch one rank of a data-parallel run reads, as PyTorch's
/// `DistributedSampler` (drop_last=False) cuts it: the epoch's order, padded by repeating its start
/// to a multiple of the rank count, then every `count`-th index from `rank` on
/// (`indices[rank::count]`). Every rank sees the same number of samples, and together the ranks
/// see every sample.
public struct DataShard: Sendable, Equatable {
    /// This rank, in 0..<count.
    public let rank: Int
    /// How many ranks share the data.
    public let count: Int

    /// The whole data set: a run that is not data-parallel.
    public static let whole = DataShard(uncheckedRank: 0, count: 1)

    /// - Throws: `DatasetError.invalidArgument` for a count below 1 or a rank outside 0..<count.
    public init(rank: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(rank) else {
            throw DatasetError.invalidArgument("shard rank \(rank) must be in 0..<\(count)")
        }
        self.init(uncheckedRank: rank, count: count)
    }

    private init(uncheckedRank rank: Int, count: Int) {
        self.rank = rank
        self.count = count
    }

    /// Samples this rank reads per epoch of `total`: ceil(total / count).
    public func sampleCount(of total: Int) -> Int { (total + count - 1) / count }

    /// This rank's part of an epoch's `order`.
    public func select(_ order: [Int]) -> [Int] {
        guard count > 1, !order.isEmpty else { return order }
        let padded = sampleCount(of: order.count) * count
        var indices = order
        // DistributedSampler repeats the whole order when the padding is longer than it.
        while indices.count < padded { indices += order.prefix(padded - indices.count) }
        return Array(stride(from: rank, to: padded, by: count).map { indices[$0] })
    }
}
