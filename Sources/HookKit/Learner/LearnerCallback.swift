import Torch

/// Events of a `Learner`'s training loop, as fastai's callbacks; every method has a no-op default.
///
/// Callbacks run on the training queue, in the order they were added. Throwing from one
/// aborts the fit with that error (after `endFit` has been sent to every callback).
public protocol LearnerCallback: AnyObject {
    func beginFit(_ learner: Learner) throws
    func beginEpoch(_ learner: Learner) throws
    func beginBatch(_ learner: Learner) throws
    func afterLoss(_ learner: Learner, loss: Tensor) throws
    func afterBackward(_ learner: Learner) throws
    func endBatch(_ learner: Learner) throws
    func beginValidate(_ learner: Learner) throws
    func endEpoch(_ learner: Learner, metrics: EpochMetrics) throws
    func endFit(_ learner: Learner) throws
}

extension LearnerCallback {
    public func beginFit(_ learner: Learner) throws {}
    public func beginEpoch(_ learner: Learner) throws {}
    public func beginBatch(_ learner: Learner) throws {}
    public func afterLoss(_ learner: Learner, loss: Tensor) throws {}
    public func afterBackward(_ learner: Learner) throws {}
    public func endBatch(_ learner: Learner) throws {}
    public func beginValidate(_ learner: Learner) throws {}
    public func endEpoch(_ learner: Learner, metrics: EpochMetrics) throws {}
    public func endFit(_ learner: Learner) throws {}
}

/// What one epoch achieved.
public struct EpochMetrics: Sendable, Equatable, Codable {
    public var epoch: Int
    /// Mean training loss over the epoch's batches (only those run in this process when resumed).
    public var trainLoss: Double
    public var validLoss: Double?
    public var accuracy: Double?
    public var seconds: Double
    /// Training images per second over the epoch.
    public var imagesPerSecond: Double
}
