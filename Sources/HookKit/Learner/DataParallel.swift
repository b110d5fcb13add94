import Torch

/// PyTorch's `DistributedDataParallel` semantics on a `Learner`, over a `ProcessGroup`: at the
/// start of a fit every rank takes rank 0's parameters and buffers (so seeds need not agree);
/// during every backward, each gradient becomes the average of the ranks' gradients, all-reduced
/// in flat buckets (a `GradientReducer`) that start as soon as backward has filled them, and all
/// of them are waited for before the optimizer step. As DDP, the first bucket is small
/// (`firstBucketBytes`), so communication starts early in backward, and the others hold up to
/// `bucketBytes` (DDP's `bucket_cap_mb`). Batch norm statistics stay local (buffers are not
/// synchronised after the start, as `broadcast_buffers=False`).
///
/// Put it first in `learner.callbacks`, so later callbacks see the averaged gradients.
public final class DataParallel: LearnerCallback {
    /// DDP's default bucket size, 25 MiB.
    public static let defaultBucketBytes = 25 * 1024 * 1024
    /// DDP's first bucket, 1 MiB (`torch.distributed._DEFAULT_FIRST_BUCKET_BYTES`): the last
    /// layers' gradients, ready first, travel while backward computes the earlier layers'.
    public static let firstBucketBytes = 1024 * 1024

    public let group: ProcessGroup
    public let bucketBytes: Int
    /// Parameters that get gradients, in buckets; DDP fills them in reverse order of
    /// registration, the order in which backward produces the gradients.
    public private(set) var buckets: [[(path: String, tensor: Tensor)]] = []
    /// The gradient hooks of the current fit.
    public private(set) var reducer: GradientReducer?

    public init(group: ProcessGroup, bucketBytes: Int = DataParallel.defaultBucketBytes) {
        self.group = group
        self.bucketBytes = bucketBytes
    }

    public func beginFit(_ learner: Learner) throws {
        var seen = Set<UInt>()
        let state = learner.model.stateDict().map(\.tensor).filter { seen.insert($0.identity).inserted }
        try group.broadcast(state, from: 0)
        buckets = Self.buckets(of: learner.model.namedParameters().filter { $0.tensor.requiresGrad }.reversed(),
                               capacity: bucketBytes, firstCapacity: min(Self.firstBucketBytes, bucketBytes))
        // The ranks' per-batch agreement rides on the last bucket's all-reduce when it can (float32).
        let carries = learner.rankSync != nil && buckets.last?.first?.tensor.dtype == .float32
        let reducer = try GradientReducer(group: group, buckets: buckets.map { $0.map(\.tensor) },
                                          sideValueCount: carries ? RankSync.Flags.count : 0)
        self.reducer = reducer
        learner.rankSync?.carrier = carries ? reducer : nil
    }

    /// Arms the gradient hooks for this batch's backward, as DDP's forward does.
    public func afterLoss(_ learner: Learner, loss: Tensor) throws {
        try reducer?.prepareForBackward()
    }

    public func afterBackward(_ learner: Learner) throws {
        guard let reducer, let missing = try reducer.finishBackward() else { return }
        // DDP refuses this too (without find_unused_parameters): the other ranks would wait
        // for a gradient this rank never sends.
        let path = buckets.joined().map(\.path)[missing]
        throw TorchError("data parallel", "parameter \(path) got no gradient in this batch; every trainable parameter must take part in the loss")
    }

    /// Removes the gradient hooks: a backward after the fit is a plain one.
    public func endFit(_ learner: Learner) throws {
        learner.rankSync?.carrier = nil
        reducer = nil
    }

    /// Consecutive parameters cut into buckets of at most `firstCapacity` bytes for the first and
    /// `capacity` for the others (a larger parameter gets a bucket of its own), of one dtype each.
    /// Unlike DDP, which closes a bucket once it reaches its cap (so a 1.6 MB weight joins a first
    /// bucket of 0.5 MB), a bucket here never grows past its cap: that keeps the first small.
    static func buckets(of parameters: [(path: String, tensor: Tensor)], capacity: Int,
                        firstCapacity: Int? = nil) -> [[(path: String, tensor: Tensor)]] {
        var result: [[(path: String, tensor: Tensor)]] = []
        var current: [(path: String, tensor: Tensor)] = []
        var bytes = 0
        for parameter in parameters {
            let size = parameter.tensor.count * parameter.tensor.dtype.byteSize
            let cap = result.isEmpty ? firstCapacity ?? capacity : capacity
            if let last = current.last, bytes + size > cap || last.tensor.dtype != parameter.tensor.dtype {
                result.append(current)
                current = []
                bytes = 0
            }
            current.append(parameter)
            bytes += size
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
