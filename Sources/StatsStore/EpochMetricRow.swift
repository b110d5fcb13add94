/// End-of-epoch results: a row of `epoch_metrics`.
public struct EpochMetricRow: Sendable, Equatable {
    public var runID: Int64
    public var epoch: Int64
    public var trainLoss: Double
    /// Validation loss; nil when the run has no validation set.
    public var validLoss: Double?
    /// Validation accuracy in [0, 1]; nil when the run has no validation set.
    public var accuracy: Double?
    /// Wall-clock seconds the epoch took.
    public var seconds: Double

    /// Creates a row.
    public init(runID: Int64, epoch: Int64, trainLoss: Double, validLoss: Double?, accuracy: Double?,
                seconds: Double) {
        self.runID = runID
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.validLoss = validLoss
        self.accuracy = accuracy
        self.seconds = seconds
    }
}
