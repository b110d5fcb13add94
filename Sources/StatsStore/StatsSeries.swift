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
