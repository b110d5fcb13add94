/// A row handed to the writer and not yet committed.
enum PendingRow: Sendable {
    case stat(ActivationStatRow)
    case histogram(HistogramRow)
    case batchMetric(BatchMetricRow)
    case epochMetric(EpochMetricRow)
}
