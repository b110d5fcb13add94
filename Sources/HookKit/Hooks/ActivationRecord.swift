import Torch

/// The statistics of one hooked module in one training batch.
public struct ActivationRecord: Sendable, Equatable {
    /// The hook entry that produced it (see `ActivationStats.Entry.id`).
    public var hookID: Int
    public var path: String
    public var kind: HookKind
    /// Training batch index since the start of the fit (fastai's iteration).
    public var batch: Int
    public var epoch: Int
    public var summary: ActivationSummary
}

/// Where `ActivationStats` sends each batch's records (memory, SQLite, a live snapshot…).
public protocol ActivationStatsSink: AnyObject {
    /// Called on the training queue once per batch that produced records; must not block long.
    func record(_ records: [ActivationRecord])
}
