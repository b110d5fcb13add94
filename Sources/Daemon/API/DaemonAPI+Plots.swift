import Foundation
import HTTPServer
import Rendering
import StatsStore

extension DaemonAPI {
    /// Points (or colorful-dimension columns) a plot over HTTP has without `limit`, and at most:
    /// an SVG costs about 0.9 KB per column, so a long run's whole image would be gigabytes.
    static let defaultPlotLimit = 1000
    static let maxPlotLimit = 10_000

    /// `GET /plots/{layer}.svg?stat=&run=&kind=&from=&to=&limit=`: what `hookd plot` prints,
    /// downsampled to `limit` (default 1000, at most 10000) points.
    static func addPlotRoutes(_ router: inout Router, _ core: DaemonCore) {
        router.get("/plots/{layer}.svg") { request in
            let layer = try request.parameter("layer")
            let statName = request.query["stat"] ?? "mean"
            guard let stat = PlotStat(name: statName) else {
                throw HTTPError.badRequest("stat must be one of \(PlotStat.names), got '\(statName)'", code: "invalid_parameter")
            }
            let series = try seriesQuery(request, defaultLimit: defaultPlotLimit)
            if let limit = series.limit, limit > maxPlotLimit {
                throw HTTPError.badRequest("limit must be at most \(maxPlotLimit) for a plot, got \(limit)", code: "invalid_parameter")
            }
            let rank = try singleRank(series.ranks, "a plot")
            let run = try selectedRun(request, core)
            // Cached like /stats: the same file content renders the same bytes.
            let key = "plot|\(run)|\(layer)|\(series.key)|\(stat.name)"
            return try core.statsCache.response(for: key, version: core.writer.contentVersion) {
                let svg = try mapping {
                    try LayerPlot.svg(reader: core.reader, run: run, layer: layer, kind: series.kind, rank: rank, stat: stat,
                                      from: series.from, to: series.to, limit: series.limit)
                }
                return .text(svg, contentType: "image/svg+xml")
            }
        }
    }
}
