import Testing

@testable import Datasets

/// `DataShard` cuts an epoch as torch's `DistributedSampler(shuffle=False, drop_last=False)` cuts
/// `range(n)`: padded by repeating the start, then `indices[rank::count]` (the DDP parity test
/// checks the same against PyTorch end to end).
@Suite("DataShard")
struct DataShardTests {
    @Test("padded by repeating the start, strided by rank")
    func padsAndStrides() throws {
        let order = [4, 0, 3, 1, 2]
        let shards = try (0..<3).map { try DataShard(rank: $0, count: 3).select(order) }
        // Padded to 6: [4, 0, 3, 1, 2, 4].
        #expect(shards == [[4, 1], [0, 2], [3, 4]])
        #expect(try DataShard(rank: 0, count: 3).sampleCount(of: 5) == 2)
    }

    @Test("padding longer than the order repeats the whole order")
    func shortOrder() throws {
        let shards = try (0..<4).map { try DataShard(rank: $0, count: 4).select([7]) }
        #expect(shards == [[7], [7], [7], [7]])
    }

    @Test("the ranks together cover every sample; the whole data set is untouched")
    func coverage() throws {
        let order = Array((0..<103).reversed())
        let union = try (0..<2).flatMap { try DataShard(rank: $0, count: 2).select(order) }
        #expect(union.count == 104)
        #expect(Set(union) == Set(order))
        #expect(DataShard.whole.select(order) == order)
    }

    @Test("a loader reads its shard of each seeded epoch, in batches of its own size")
    func loaderShard() throws {
        let data = try SyntheticData.make(count: 21, channels: 1, height: 2, width: 2, classes: 3, seed: 1)
        let whole = try DataLoader(data, options: .init(batchSize: 4, seed: 9))
        let rank1 = try DataLoader(data, options: .init(batchSize: 4, seed: 9, shard: DataShard(rank: 1, count: 2)))
        #expect(rank1.batchCount == 3)
        let full = whole.order(epoch: 2)
        #expect(rank1.order(epoch: 2) == Array(stride(from: 1, to: 22, by: 2).map { (full + full)[$0] }))
        #expect(try rank1.epoch(2).remaining().flatMap(\.sampleIndices) == rank1.order(epoch: 2))
    }

    @Test("a rank outside the count is refused")
    func badRank() {
        #expect(throws: DatasetError.self) { try DataShard(rank: 2, count: 2) }
        #expect(throws: DatasetError.self) { try DataShard(rank: 0, count: 0) }
    }
}
