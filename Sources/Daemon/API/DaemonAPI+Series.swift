import Foundation
import HTTPServer
import Rendering
import Statistics
import StatsStore

/// The series a dashboard charts besides `/stats`: loss and learning rate per batch, epoch
/// results, and a layer's histograms (fastai's colorful dimension). Columnar, like `/stats`.
extension DaemonAPI {
    static func addSeriesRoutes(_ router: inout Router, _ core: DaemonCore) {
        router.get("/runs/{id}/batches") { request in
            let run = try existingRun(request, core)
            let query = try seriesQuery(request)
            return try core.statsCache.response(for: "batches|\(run)|\(query.key)", version: core.writer.contentVersion) {
                let rows = try mapping {
                    try core.reader.batchMetrics(run: run, ranks: query.ranks, from: query.from, to: query.to, limit: query.limit)
                }
                return .json(JSONOut.object([
                    ("run", .int(run)),
                    ("batch", .array(rows.map { .int($0.batch) })), ("rank", .array(rows.map { .int($0.rank) })),
                    ("epoch", .array(rows.map { .int($0.epoch) })),
                    ("loss", .array(rows.map { .number($0.loss) })), ("lr", .array(rows.map { .number($0.lr) })),
                ]).data)
            }
        }
        router.get("/runs/{id}/epochs") { request in
            let run = try existingRun(request, core)
            let rows = try mapping { try core.reader.epochMetrics(run: run) }
            return .json(JSONOut.object([
                ("run", .int(run)),
                ("epoch", .array(rows.map { .int($0.epoch) })), ("train_loss", .array(rows.map { .number($0.trainLoss) })),
                ("valid_loss", .array(rows.map { .number($0.validLoss) })), ("accuracy", .array(rows.map { .number($0.accuracy) })),
                ("seconds", .array(rows.map { .number($0.seconds) })),
            ]).data)
        }
        router.get("/histograms/{layer}") { request in
            let layer = try request.parameter("layer")
            let query = try seriesQuery(request)
            let rank = try singleRank(query.ranks, "a histogram")
            let run = try selectedRun(request, core)
            return try core.statsCache.response(for: "histograms|\(run)|\(layer)|\(query.key)", version: core.writer.contentVersion) {
                let rows = try mapping {
                    try core.reader.histograms(run: run, layer: layer, kind: query.kind, rank: rank, from: query.from, to: query.to,
                                               limit: query.limit)
                }
                return .json(JSONOut.object([
                    ("run", .int(run)), ("layer", .string(layer)), ("kind", .string(query.kind.rawValue)),
                    // Without rows or `rank`, the rank read is the file's own rank of the run.
                    ("rank", .int(try rows.first?.rank ?? rank ?? mapping { try core.reader.run(run) }.rank)),
                    ("lo", .number(rows.first?.lo)), ("hi", .number(rows.first?.hi)),
                    ("batch", .array(rows.map { .int($0.batch) })),
                    ("counts", .array(rows.map { .array($0.counts.map { .int($0) }) })),
                ]).data)
            }
        }
    }

    /// The `{id}` of a `/runs/{id}/…` path: 400 when malformed, 404 when unknown.
    static func existingRun(_ request: HTTPRequest, _ core: DaemonCore) throws -> Int64 {
        let id = try integer(try request.parameter("id"), name: "run id", range: 1...Int64.max)
        _ = try mapping { try core.reader.run(id) }
        return id
    }
}
