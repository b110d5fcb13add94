/// How `OfflineReport` renders: an aligned text table, CSV with a header line, or JSON.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table
    case csv
    case json
}
