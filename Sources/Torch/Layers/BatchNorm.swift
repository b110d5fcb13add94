/// Batch normalisation over the channel dimension, shared by `BatchNorm1d` and `BatchNorm2d`.
///
/// Training uses batch statistics and updates the running ones with `momentum`; evaluation
/// uses the running statistics. Without `affine` there is no weight or bias.
open class BatchNorm: Module {
    public let features: Int
    public let eps: Double
    public let momentum: Double
    private let expectedRanks: Set<Int>

    init(features: Int, eps: Double, momentum: Double, affine: Bool, trackRunningStats: Bool,
         expectedRanks: Set<Int>) throws {
        self.features = features
        self.eps = eps
        self.momentum = momentum
        self.expectedRanks = expectedRanks
        super.init()
        registerParameter("weight", affine ? try Tensor.ones([features]).requiresGrad(true) : nil)
        registerParameter("bias", affine ? try Tensor.zeros([features]).requiresGrad(true) : nil)
        registerBuffer("running_mean", trackRunningStats ? try Tensor.zeros([features]) : nil)
        registerBuffer("running_var", trackRunningStats ? try Tensor.ones([features]) : nil)
        // A tensor, as in PyTorch, so state dicts and checkpoints carry it like the other buffers.
        registerBuffer("num_batches_tracked", trackRunningStats ? try Tensor.zeros([], dtype: .int64) : nil)
    }

    public var weight: Tensor? { parameter("weight") }
    public var bias: Tensor? { parameter("bias") }
    public var runningMean: Tensor? { buffer("running_mean") }
    public var runningVar: Tensor? { buffer("running_var") }

    /// Batches seen in training (PyTorch's `num_batches_tracked`); 0 without running statistics.
    public var batchesTracked: Int {
        get throws { try buffer("num_batches_tracked").map { Int(try $0.item()) } ?? 0 }
    }

    override open func forward(_ input: Tensor) throws -> Tensor {
        let rank = input.rank
        guard expectedRanks.contains(rank) else {
            throw TorchError("batch_norm", "expected \(expectedRanks.sorted().map { "\($0)D" }.joined(separator: " or ")) input, got \(rank)D \(input.shape)")
        }
        guard input.shape[1] == features else {
            throw TorchError("batch_norm", "expects \(features) features on dim 1, got \(input.shape)")
        }
        let useBatchStats = isTraining || runningMean == nil
        if isTraining, let counter = buffer("num_batches_tracked") { try counter.add(1) }
        return try Functional.batchNorm(input, weight: weight, bias: bias, runningMean: runningMean,
                                        runningVar: runningVar, training: useBatchStats,
                                        momentum: momentum, eps: eps)
    }
}

/// Batch norm over (N, C) or (N, C, L), as `nn.BatchNorm1d`.
public final class BatchNorm1d: BatchNorm {
    public init(_ features: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) throws {
        try super.init(features: features, eps: eps, momentum: momentum, affine: affine,
                       trackRunningStats: trackRunningStats, expectedRanks: [2, 3])
    }
}

/// Batch norm over (N, C, H, W), as `nn.BatchNorm2d`.
public final class BatchNorm2d: BatchNorm {
    public init(_ features: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) throws {
        try super.init(features: features, eps: eps, momentum: momentum, affine: affine,
                       trackRunningStats: trackRunningStats, expectedRanks: [4])
    }
}
