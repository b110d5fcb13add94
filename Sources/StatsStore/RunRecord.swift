/// One training run as stored in `runs`.
public struct RunRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// The run spec JSON, as submitted.
    public var spec: String
    public var status: RunStatus
    /// Timestamps are ISO-8601 UTC text with milliseconds, as stored (`2024-05-01T12:00:00.000Z`).
    public var createdAt: String
    public var startedAt: String?
    public var finishedAt: String?
    /// Why the run failed, when it did.
    public var error: String?
    /// Epoch of the last committed batch metric.
    public var epoch: Int64?
    /// Last committed batch (global index).
    public var batch: Int64?
    /// Where the last checkpoint was written.
    public var checkpointPath: String?
    /// Which rank of a data-parallel run this file's run is (0 for a single process).
    public var rank: Int64
    /// Ranks in the run (1 for a single process); rank 0's file holds the rows of all of them.
    public var worldSize: Int64

    /// Creates a record (readers build these; writers use `StatsWriter.createRun`).
    public init(id: Int64, name: String, spec: String, status: RunStatus, createdAt: String,
                startedAt: String? = nil, finishedAt: String? = nil, error: String? = nil,
                epoch: Int64? = nil, batch: Int64? = nil, checkpointPath: String? = nil,
                rank: Int64 = 0, worldSize: Int64 = 1) {
        self.id = id
        self.name = name
        self.spec = spec
        self.status = status
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.epoch = epoch
        self.batch = batch
        self.checkpointPath = checkpointPath
        self.rank = rank
        self.worldSize = worldSize
    }
}
