import HTTPServer
import Rendering
import StatsStore

extension DaemonAPI {
    /// `GET /alerts[?run=]`: training-health alerts from the stats file, newest first.
    static func addAlertRoutes(_ router: inout Router, _ core: DaemonCore) {
        router.get("/alerts") { request in
            let run = try request.query["run"].map { try integer($0, name: "run", range: 1...Int64.max) }
            let rows = try mapping { try core.reader.alerts(run: run) }
            return .json(OfflineReport.json(alerts: rows).data)
        }
    }

    /// A run's alert counts by rule, for `GET /runs/{id}`: `{"non_finite": 1, …}`.
    static func alertCountsJSON(run: Int64, _ core: DaemonCore) -> JSONOut {
        var byRule: [(String, Int64)] = []
        for row in (try? core.reader.alertCounts(run: run)) ?? [] {
            if let last = byRule.indices.last, byRule[last].0 == row.rule { byRule[last].1 += row.count } else { byRule.append((row.rule, row.count)) }
        }
        return .object(byRule.map { ($0.0, .int($0.1)) })
    }
}
