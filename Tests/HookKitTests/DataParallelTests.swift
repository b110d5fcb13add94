import Testing
@testable import HookKit
@testable import Torch

/// How `DataParallel` buckets gradients (the all-reduce itself is checked end to end against
/// PyTorch DDP in CLITests' DistributedTests).
@Suite("DataParallel buckets")
struct DataParallelTests {
    @Test("reverse registration order, cut at the byte capacity, a large parameter alone")
    func buckets() throws {
        let model = try mlp(layers: [64, 32, 10])  // 1.weight 2048, 1.bias 32, 3.weight 320, 3.bias 10 floats
        let parameters = Array(model.namedParameters().reversed())
        let paths = { (capacity: Int) in DataParallel.buckets(of: parameters, capacity: capacity).map { $0.map(\.path) } }
        #expect(paths(DataParallel.defaultBucketBytes) == [["3.bias", "3.weight", "1.bias", "1.weight"]])
        // 1,320 bytes: 3.bias (40) + 3.weight (1,280) fill the first bucket exactly.
        #expect(paths(1320) == [["3.bias", "3.weight"], ["1.bias"], ["1.weight"]])
        #expect(paths(1) == [["3.bias"], ["3.weight"], ["1.bias"], ["1.weight"]])
    }

    @Test("the first bucket is small, as DDP's (1 MiB), so the MLP's first layer weight travels alone, last")
    func smallFirstBucket() throws {
        let model = try mlp(layers: [784, 512, 256, 10])  // 1.weight 1.6 MB; the rest 0.53 MB
        let parameters = Array(model.namedParameters().reversed())
        let buckets = DataParallel.buckets(of: parameters, capacity: DataParallel.defaultBucketBytes,
                                           firstCapacity: DataParallel.firstBucketBytes)
        #expect(buckets.map { $0.map(\.path) } == [["5.bias", "5.weight", "3.bias", "3.weight", "1.bias"], ["1.weight"]])
        // The later caps stay DDP's 25 MiB: what follows the first bucket goes together.
        let wide = DataParallel.buckets(of: parameters, capacity: DataParallel.defaultBucketBytes, firstCapacity: 40)
        #expect(wide.map { $0.map(\.path) } == [["5.bias"], ["5.weight", "3.bias", "3.weight", "1.bias", "1.weight"]])
    }

    @Test("one dtype per bucket")
    func dtypes() throws {
        let a = try Tensor([1, 2], shape: [2]), b = try Tensor(int64: [3], shape: [1]), c = try Tensor([4], shape: [1])
        let buckets = DataParallel.buckets(of: [("a", a), ("b", b), ("c", c)], capacity: 1 << 20)
        #expect(buckets.map { $0.map(\.path) } == [["a"], ["b"], ["c"]])
    }
}
