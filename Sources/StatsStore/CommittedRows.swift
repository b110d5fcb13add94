/// The rows of one committed transaction, by table, each in hand-over order.
public struct CommittedRows: Sendable, Equatable {
    public var stats: [ActivationStatRow] = []
    public var histograms: [HistogramRow] = []
    public var batchMetrics: [BatchMetricRow] = []
    public var epochMetrics: [EpochMetricRow] = []
    public var alerts: [AlertRow] = []

    /// Sorts pending rows by table.
    init(_ rows: [PendingRow]) {
        for row in rows {
            switch row {
            case .stat(let r): stats.append(r)
            case .histogram(let r): histograms.append(r)
            case .batchMetric(let r): batchMetrics.append(r)
            case .epochMetric(let r): epochMetrics.append(r)
            case .alert(let r): alerts.append(r)
            }
        }
    }
}
