import StatsStore

/// One run's progress as the training queue last reported it (what `GET /runs/{id}` adds to the database row).
public struct RunProgress: Sendable, Equatable {
    public var runID: Int64
    public var status: RunStatus
    /// Current epoch (0-based) and batch inside it.
    public var epoch = 0
    public var batch = 0
    /// Training batches done since the start of the run (global batch index of the next batch).
    public var iteration = 0
    public var epochs = 0
    public var batchesPerEpoch = 0
    /// Loss and learning rate of the last training batch.
    public var loss: Double?
    public var learningRate: Double?
    /// Of the last finished epoch.
    public var validLoss: Double?
    public var accuracy: Double?
    /// Training images per second over the current epoch so far.
    public var imagesPerSecond: Double?
    /// Where the run is in its life: `loading`, `training`, `validating`, `stopping`, `done`.
    public var phase = "loading"

    /// A run that has not reported anything yet.
    public init(runID: Int64, status: RunStatus) {
        self.runID = runID
        self.status = status
    }

    /// Batches of the whole run.
    public var totalBatches: Int { epochs * batchesPerEpoch }
}
