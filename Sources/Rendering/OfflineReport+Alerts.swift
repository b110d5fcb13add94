import StatsStore

/// `hookd alerts` and `GET /alerts`: training-health alerts, newest first.
extension OfflineReport {
    static let alertHeader = ["id", "run", "rule", "path", "kind", "batch", "epoch", "value", "threshold", "action", "created_at", "message"]

    /// `hookd alerts`: the alerts of `run` (of every run when nil), newest first.
    ///
    /// - Throws: `runNotFound`.
    public func alerts(run: Int64? = nil, format: ReportFormat = .table) throws -> String {
        let rows = try reader.alerts(run: run)
        switch format {
        case .table:
            var table = TextTable(header: Self.alertHeader, rightAligned: [0, 1, 5, 6, 7, 8])
            table.rows = rows.map { a in
                ["\(a.id)", "\(a.runID)", a.rule, a.path, a.kind, "\(a.batch)", "\(a.epoch)", TextTable.number(a.value),
                 TextTable.number(a.threshold), a.action, a.createdAt, a.message]
            }
            return table.render()
        case .csv:
            return CSVText.line(Self.alertHeader) + rows.map { a in
                CSVText.line(["\(a.id)", "\(a.runID)", a.rule, CSVText.cell(a.path), a.kind, "\(a.batch)", "\(a.epoch)",
                              CSVText.number(a.value), CSVText.number(a.threshold), a.action, a.createdAt, CSVText.cell(a.message)])
            }.joined()
        case .json:
            return Self.json(alerts: rows).text + "\n"
        }
    }

    /// Alerts as JSON, the `/alerts` shape: `{"alerts": [{"id": …, "run_id": …, "rule": …}, …]}`.
    public static func json(alerts rows: [AlertRow]) -> JSONOut {
        .object([("alerts", .array(rows.map(json(alert:))))])
    }

    /// One alert as JSON, an item of `/alerts` (and of the `alert` event).
    public static func json(alert a: AlertRow) -> JSONOut {
        .object([
            ("id", .int(a.id)), ("run_id", .int(a.runID)), ("rule", .string(a.rule)), ("path", .string(a.path)),
            ("kind", .string(a.kind)), ("batch", .int(a.batch)), ("epoch", .int(a.epoch)), ("rank", .int(a.rank)),
            ("value", .double(a.value)), ("threshold", .double(a.threshold)), ("action", .string(a.action)),
            ("message", .string(a.message)), ("created_at", .string(a.createdAt)),
        ])
    }
}
