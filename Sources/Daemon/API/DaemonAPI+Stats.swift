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
            let series = try seriesQuery(request)
            let every = try request.query["every"].map { Int(try integer($0, name: "every", range: 1...1_000_000_000)) } ?? 1
            let run = try selectedRun(request, core)
            // Rows reach SQLite up to `stats.flush_ms` after their batch (the writer batches
            // commits); between two commits the same read gives the same bytes, so it is cached.
            let key = "\(run)|\(layer)|\(series.key)|\(every)|\(format)"
            return try core.statsCache.response(for: key, version: core.writer.contentVersion) {
                let stats = try mapping {
                    try core.reader.stats(run: run, layer: layer, kind: series.kind, ranks: series.ranks, from: series.from,
                                          to: series.to, every: every, limit: series.limit)
                }
                return format == "csv" ? .csv(OfflineReport.render(stats, format: .csv))
                    : .json(Data(OfflineReport.render(stats, format: .json).utf8))
            }
        }
    }

    /// The `kind`, `rank`, `from`, `to` and `limit` query parameters of a per-layer series read
    /// (`/stats/{layer}`, `/plots/{layer}.svg`, `/histograms/{layer}`, `/runs/{id}/batches`), 400 when malformed.
    /// `rank` is a data-parallel rank or `all`; without it, the file's own rank of the run (0 on
    /// rank 0's daemon, which holds every rank's rows).
    /// - Parameter defaultLimit: the `limit` when the query has none (nil: the whole range).
    static func seriesQuery(_ request: HTTPRequest, defaultLimit: Int? = nil) throws
        -> (kind: HookKind, ranks: RankSelection, from: Int64?, to: Int64?, limit: Int?, key: String) {
        let kindText = request.query["kind"] ?? "forward"
        guard let kind = HookKind(rawValue: kindText) else {
            throw HTTPError.badRequest("kind must be forward or backward, got '\(kindText)'", code: "invalid_parameter")
        }
        let from = try request.query["from"].map { try integer($0, name: "from") }
        let to = try request.query["to"].map { try integer($0, name: "to") }
        let limit = try request.query["limit"].map { Int(try integer($0, name: "limit", range: 2...1_000_000_000)) } ?? defaultLimit
        let ranks = try request.query["rank"].map { text in
            guard let ranks = RankSelection(parsing: text) else {
                throw HTTPError.badRequest("rank must be a rank number (0 or more) or all, got '\(text)'", code: "invalid_parameter")
            }
            return ranks
        } ?? .own
        return (kind, ranks, from, to, limit, "\(kind.rawValue)|\(ranks)|\(from ?? -1)|\(to ?? -1)|\(limit ?? -1)")
    }

    /// The one rank of a read that shows a single rank (a histogram, a plot): 400 for `all`.
    static func singleRank(_ ranks: RankSelection, _ what: String) throws -> Int64? {
        switch ranks {
        case .own: return nil
        case .one(let rank): return rank
        case .all: throw HTTPError.badRequest("\(what) shows one rank at a time; rank=all is for /stats and /runs/{id}/batches", code: "invalid_parameter")
        }
    }
}
