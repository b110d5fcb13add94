import Statistics

/// Per-batch statistics of one layer, columnar (one array per statistic), as HTTP serves them.
public struct StatsSeries: Sendable, Equatable {
    public var runID: Int64
    public var layer: String
    public var kind: HookKind
    /// The data-parallel rank whose batches these are (0 for a single process).
    public var rank: Int64
    public var batch: [Int64] = []
    /// One column per statistic, in `Statistic.allCases` order; NaN where the row holds NULL.
    private var columns = [[Double]](repeating: [], count: Statistic.allCases.count)

    /// Creates an empty series.
    public init(runID: Int64, layer: String, kind: HookKind, rank: Int64 = 0) {
        self.runID = runID
        self.layer = layer
        self.kind = kind
        self.rank = rank
    }

    /// Number of batches in the series.
    public var count: Int { batch.count }

    /// The column of `statistic`, one value per batch (NaN where not recorded).
    public subscript(statistic: Statistic) -> [Double] {
        get { columns[statistic.rawValue] }
        set { columns[statistic.rawValue] = newValue }
    }

    /// Appends one batch's values.
    public mutating func append(batch: Int64, values: StatValues) {
        self.batch.append(batch)
        for statistic in Statistic.allCases { columns[statistic.rawValue].append(values[statistic]) }
    }
}
