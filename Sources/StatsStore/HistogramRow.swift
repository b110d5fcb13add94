import Statistics

/// One layer's value histogram for one batch: a row of `histograms`.
public struct HistogramRow: Sendable, Equatable {
    public var runID: Int64
    /// Dotted module path (column `module`).
    public var path: String
    public var kind: HookKind
    /// The data-parallel rank that trained the batch (0 for a single process).
    public var rank: Int64
    public var batch: Int64
    public var epoch: Int64
    /// Lower edge of the first bin (fastai: 0).
    public var lo: Double
    /// Upper edge of the last bin (fastai: 10).
    public var hi: Double
    /// Count per equal-width bin (fastai: 40 bins); stored as a JSON array.
    public var counts: [Int64]

    /// Creates a row; the default range is fastai's [0, 10].
    public init(runID: Int64, path: String, kind: HookKind, batch: Int64, epoch: Int64,
                lo: Double = 0, hi: Double = 10, counts: [Int64], rank: Int64 = 0) {
        self.runID = runID
        self.path = path
        self.kind = kind
        self.rank = rank
        self.batch = batch
        self.epoch = epoch
        self.lo = lo
        self.hi = hi
        self.counts = counts
    }
}
