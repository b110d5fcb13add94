import Foundation
import HTTPServer
import Rendering
import Statistics
import StatsStore

extension DaemonAPI {
    static func addStatsRoutes(_ router: inout Router, _ core: DaemonCore) {
        router.get("/stats/{layer}") { request in
            let layer = try request.parameter("layer")
            let format = try format(request, allowed: ["json", "csv"])
            let query = try SeriesQuery(request)
            let (kind, from, to, limit) = (query.kind, query.from, query.to, query.limit)
            let every = try request.query["every"].map { Int(try integer($0, name: "every", range: 1...1_000_000_000)) } ?? 1
            let run = try selectedRun(request, core)
            // Rows reach SQLite up to `stats.flush_ms` after their batch (the writer batches
            // commits); between two commits the same read gives the same bytes, so it is cached.
            let key = "\(run)|\(layer)|\(kind.rawValue)|\(from ?? -1)|\(to ?? -1)|\(every)|\(limit ?? -1)|\(format)"
            return try core.statsCache.response(for: key, version: core.writer.contentVersion) {
                let series = try mapping {
                    try core.reader.stats(run: run, layer: layer, kind: kind, from: from, to: to, every: every, limit: limit)
                }
                return format == "csv" ? .csv(OfflineReport.render(series, format: .csv))
                    : .json(Data(OfflineReport.render(series, format: .json).utf8))
            }
        }
    }
}
