import Statistics

/// One layer's statistics for one batch: a row of `activation_stats`.
public struct ActivationStatRow: Sendable, Equatable {
    public var runID: Int64
    /// Dotted module path, PyTorch style (`0.0`, `body.layer1.0.conv1`).
    public var path: String
    public var kind: HookKind
    /// The data-parallel rank that trained the batch (0 for a single process).
    public var rank: Int64
    /// Global batch index, counted from 0 across epochs.
    public var batch: Int64
    public var epoch: Int64
    /// The statistics the hook computed; the others are stored as NULL.
    public var values: StatValues

    /// Creates a row.
    public init(runID: Int64, path: String, kind: HookKind, batch: Int64, epoch: Int64, values: StatValues, rank: Int64 = 0) {
        self.runID = runID
        self.path = path
        self.kind = kind
        self.rank = rank
        self.batch = batch
        self.epoch = epoch
        self.values = values
    }

    /// The value of `statistic`, NaN when it was not computed (NULL).
    public subscript(statistic: Statistic) -> Double { values[statistic] }
}
