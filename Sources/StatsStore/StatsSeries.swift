import Statistics

/// Per-batch statistics of one layer, columnar (one array per statistic), as HTTP serves them.
public struct StatsSeries: Sendable, Equatable {
    public var runID: Int64
    public var layer: String
    public var kind: HookKind
    public var batch: [Int64] = []
    /// The data-parallel rank of each batch (0 for a single process): a series of every rank is
    /// each rank's batches in turn.
    public var rank: [Int64] = []
    /// One column per statistic, in `Statistic.allCases` order; NaN where the row holds NULL.
    private var columns = [[Double]](repeating: [], count: Statistic.allCases.count)

    /// Creates an empty series.
    public init(runID: Int64, layer: String, kind: HookKind) {
        self.runID = runID
        self.layer = layer
        self.kind = kind
    }

    /// Number of batches in the series.
    public var count: Int { batch.count }

    /// The column of `statistic`, one value per batch (NaN where not recorded).
    public subscript(statistic: Statistic) -> [Double] {
        get { columns[statistic.rawValue] }
        set { columns[statistic.rawValue] = newValue }
    }

    /// Appends one batch's values.
    public mutating func append(batch: Int64, values: StatValues, rank: Int64 = 0) {
        self.batch.append(batch)
        self.rank.append(rank)
        for statistic in Statistic.allCases { columns[statistic.rawValue].append(values[statistic]) }
    }

    /// Appends every batch of `other` (another rank's series of the same layer and kind).
    public mutating func append(contentsOf other: StatsSeries) {
        batch += other.batch
        rank += other.rank
        for statistic in Statistic.allCases { columns[statistic.rawValue] += other.columns[statistic.rawValue] }
    }
}
