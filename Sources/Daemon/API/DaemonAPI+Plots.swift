import Foundation
import HTTPServer
import Rendering
import StatsStore

extension DaemonAPI {
    /// `GET /plots/{layer}.svg?stat=&run=&kind=&from=&to=&limit=`: what `hookd plot` prints.
    static func addPlotRoutes(_ router: inout Router, _ core: DaemonCore) {
        router.get("/plots/{layer}.svg") { request in
            let layer = try request.parameter("layer")
            let statName = request.query["stat"] ?? "mean"
            guard let stat = PlotStat(name: statName) else {
                throw HTTPError.badRequest("stat must be one of \(PlotStat.names), got '\(statName)'", code: "invalid_parameter")
            }
            let series = try seriesQuery(request)
            let run = try selectedRun(request, core)
            // Cached like /stats: the same file content renders the same bytes.
            let key = "plot|\(run)|\(layer)|\(series.key)|\(stat.name)"
            return try core.statsCache.response(for: key, version: core.writer.contentVersion) {
                let svg = try mapping {
                    try LayerPlot.svg(reader: core.reader, run: run, layer: layer, kind: series.kind, stat: stat,
                                      from: series.from, to: series.to, limit: series.limit)
                }
                return .text(svg, contentType: "image/svg+xml")
            }
        }
    }
}
