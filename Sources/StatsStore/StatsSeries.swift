/// Per-batch statistics of one layer, columnar (one array per column), as HTTP serves them.
public struct StatsSeries: Sendable, Equatable {
    public var runID: Int64
    public var layer: String
    public var kind: ActivationKind
    public var batch: [Int64] = []
    public var mean: [Double] = []
    public var std: [Double] = []
    public var nearZero: [Double] = []
    public var min: [Double] = []
    public var max: [Double] = []

    /// Creates an empty series.
    public init(runID: Int64, layer: String, kind: ActivationKind) {
        self.runID = runID
        self.layer = layer
        self.kind = kind
    }

    /// Number of batches in the series.
    public var count: Int { batch.count }
}

extension StatsSeries {
    /// Appends the current row of a statement selecting batch, mean, std, near_zero, min, max.
    mutating func append(row s: Statement) {
        batch.append(s.int64(at: 0))
        mean.append(s.double(at: 1))
        std.append(s.double(at: 2))
        nearZero.append(s.double(at: 3))
        min.append(s.double(at: 4))
        max.append(s.double(at: 5))
    }
}
