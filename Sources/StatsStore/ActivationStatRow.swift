/// One layer's statistics for one batch: a row of `activation_stats`.
public struct ActivationStatRow: Sendable, Equatable {
    public var runID: Int64
    /// Dotted module path, PyTorch style (`0.0`, `body.layer1.0.conv1`).
    public var path: String
    public var kind: ActivationKind
    /// Global batch index, counted from 0 across epochs.
    public var batch: Int64
    public var epoch: Int64
    public var mean: Double
    /// Unbiased standard deviation.
    public var std: Double
    /// Share of values <= 0.05.
    public var nearZero: Double
    public var min: Double
    public var max: Double

    /// Creates a row; statistics not computed may be passed as `.nan` (stored as NULL).
    public init(runID: Int64, path: String, kind: ActivationKind, batch: Int64, epoch: Int64,
                mean: Double, std: Double, nearZero: Double, min: Double = .nan, max: Double = .nan) {
        self.runID = runID
        self.path = path
        self.kind = kind
        self.batch = batch
        self.epoch = epoch
        self.mean = mean
        self.std = std
        self.nearZero = nearZero
        self.min = min
        self.max = max
    }
}
