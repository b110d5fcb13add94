/// A row handed to the writer and not yet committed.
enum PendingRow: Sendable {
    case stat(ActivationStatRow)
    case histogram(HistogramRow)
    case batchMetric(BatchMetricRow)
    case epochMetric(EpochMetricRow)
    case alert(AlertRow)

    /// The run the row belongs to.
    var runID: Int64 {
        switch self {
        case .stat(let row): row.runID
        case .histogram(let row): row.runID
        case .batchMetric(let row): row.runID
        case .epochMetric(let row): row.runID
        case .alert(let row): row.runID
        }
    }
}
