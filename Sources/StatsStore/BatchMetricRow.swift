/// Loss and learning rate of one training batch: a row of `batch_metrics`.
public struct BatchMetricRow: Sendable, Equatable {
    public var runID: Int64
    /// The data-parallel rank that trained the batch (0 for a single process).
    public var rank: Int64
    /// Global batch index, counted from 0 across epochs.
    public var batch: Int64
    public var epoch: Int64
    public var loss: Double
    public var lr: Double

    /// Creates a row.
    public init(runID: Int64, batch: Int64, epoch: Int64, loss: Double, lr: Double, rank: Int64 = 0) {
        self.runID = runID
        self.rank = rank
        self.batch = batch
        self.epoch = epoch
        self.loss = loss
        self.lr = lr
    }
}
