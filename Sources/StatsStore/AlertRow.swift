/// One training-health alert episode: a row of `alerts`.
public struct AlertRow: Sendable, Equatable {
    /// Row id; 0 until committed.
    public var id: Int64
    public var runID: Int64
    /// The data-parallel rank that raised the alert (0 for a single process).
    public var rank: Int64
    /// Rule name (`non_finite`, `exploding`, …).
    public var rule: String
    /// Module path, or `loss`.
    public var path: String
    /// `forward`, `backward` or `loss`.
    public var kind: String
    /// Global batch the episode started at.
    public var batch: Int64
    public var epoch: Int64
    /// The value that crossed the threshold; NaN (SQL NULL) when not finite, as SQLite stores it.
    public var value: Double
    /// The limit crossed; NaN (NULL) for rules without one.
    public var threshold: Double
    /// `warn` or `stop`.
    public var action: String
    public var message: String
    /// When it was committed (ISO 8601 UTC); empty until then.
    public var createdAt: String

    /// Creates a row.
    public init(id: Int64 = 0, runID: Int64, rule: String, path: String, kind: String, batch: Int64, epoch: Int64,
                value: Double, threshold: Double, action: String, message: String, createdAt: String = "", rank: Int64 = 0) {
        self.id = id
        self.runID = runID
        self.rank = rank
        self.rule = rule
        self.path = path
        self.kind = kind
        self.batch = batch
        self.epoch = epoch
        self.value = value
        self.threshold = threshold
        self.action = action
        self.message = message
        self.createdAt = createdAt
    }
}
