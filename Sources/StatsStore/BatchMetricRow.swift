/// Loss and learning rate of one training batch: a row of `batch_metrics`.
public struct BatchMetricRow: Sendable, Equatable {
    public var runID: Int64
    /// Global batch index, counted from 0 across epochs.
    public var batch: Int64
    public var epoch: Int64
    public var loss: Double
    public var lr: Double

    /// Creates a row.
    public init(runID: Int64, batch: Int64, epoch: Int64, loss: Double, lr: Double) {
        self.runID = runID
        self.batch = batch
        self.epoch = epoch
        self.loss = loss
        self.lr = lr
    }
}
