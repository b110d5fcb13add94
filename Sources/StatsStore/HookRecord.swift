import Statistics

/// One hook attached during a run: a row of `hooks`.
public struct HookRecord: Sendable, Equatable {
    /// Row id; 0 before `StatsWriter.insertHook` assigns one.
    public var id: Int64
    public var runID: Int64
    /// Dotted module path.
    public var path: String
    public var kind: HookKind
    /// Statistic names (`mean`, `std`, `near_zero`, …); stored as a JSON array.
    public var stats: [String]
    /// Records every `every`-th batch.
    public var every: Int64
    /// The batch the hook took effect at.
    public var attachedBatch: Int64
    /// The batch the hook stopped at; nil while attached.
    public var detachedBatch: Int64?

    /// Creates a record.
    public init(id: Int64 = 0, runID: Int64, path: String, kind: HookKind, stats: [String],
                every: Int64 = 1, attachedBatch: Int64, detachedBatch: Int64? = nil) {
        self.id = id
        self.runID = runID
        self.path = path
        self.kind = kind
        self.stats = stats
        self.every = every
        self.attachedBatch = attachedBatch
        self.detachedBatch = detachedBatch
    }
}
