import Rendering
import Statistics
import StatsStore

/// Turns what the stats writer committed into `/events` events (README, "Live events").
enum StoreEvents {
    /// The events of one `StoreChange`; `imagesPerSecond` reads the live rate of a run.
    static func events(for change: StoreChange, imagesPerSecond: (Int64) -> Double?) -> [ServerSentEvent] {
        switch change {
        case .rows(let rows):
            return statsEvents(rows.stats, rows.histograms)
                + rows.batchMetrics.map { progressEvent($0, imagesPerSecond: imagesPerSecond($0.runID)) }
                + rows.alerts.map(alertEvent)
        case .runStatus(let runID, let status, let error):
            return [ServerSentEvent(type: "run", runID: runID, data: JSONOut.object([
                ("run", .int(runID)), ("status", .string(status.rawValue)), ("error", .text(error)),
            ]).text)]
        case .hookAttached(let hook):
            return [hookEvent(hook, action: "attached", batch: hook.attachedBatch)]
        case .hookDetached(let hook):
            return [hookEvent(hook, action: "detached", batch: hook.detachedBatch ?? hook.attachedBatch)]
        }
    }

    private struct StatsKey: Hashable {
        let runID: Int64, path: String, kind: HookKind, rank: Int64, batch: Int64
    }

    /// One `stats` event per (run, layer, kind, rank, batch): the scalar rows of several hooks on one
    /// layer merged (as the upsert merges them in SQLite) and its histogram attached.
    static func statsEvents(_ stats: [ActivationStatRow], _ histograms: [HistogramRow]) -> [ServerSentEvent] {
        var order: [StatsKey] = []
        var merged: [StatsKey: (epoch: Int64, values: StatValues, histogram: HistogramRow?)] = [:]
        for row in stats {
            let key = StatsKey(runID: row.runID, path: row.path, kind: row.kind, rank: row.rank, batch: row.batch)
            if merged[key] == nil { order.append(key) }
            merged[key, default: (row.epoch, StatValues(), nil)].values.merge(row.values)
        }
        for row in histograms {
            let key = StatsKey(runID: row.runID, path: row.path, kind: row.kind, rank: row.rank, batch: row.batch)
            if merged[key] == nil { order.append(key) }
            merged[key, default: (row.epoch, StatValues(), nil)].histogram = row
        }
        return order.map { key in
            let entry = merged[key]!
            var fields: [(String, JSONOut)] = [
                ("run", .int(key.runID)), ("layer", .string(key.path)), ("kind", .string(key.kind.rawValue)),
                ("batch", .int(key.batch)), ("epoch", .int(entry.epoch)), ("rank", .int(key.rank)),
            ]
            for statistic in Statistic.allCases {
                if let value = entry.values.value(statistic) { fields.append((statistic.name, .double(value))) }
            }
            if let h = entry.histogram {
                fields.append(("histogram", .object([
                    ("lo", .double(h.lo)), ("hi", .double(h.hi)), ("counts", .array(h.counts.map { .int($0) })),
                ])))
            }
            return ServerSentEvent(type: "stats", runID: key.runID, layer: key.path, data: JSONOut.object(fields).text)
        }
    }

    static func progressEvent(_ row: BatchMetricRow, imagesPerSecond: Double?) -> ServerSentEvent {
        ServerSentEvent(type: "progress", runID: row.runID, data: JSONOut.object([
            ("run", .int(row.runID)), ("epoch", .int(row.epoch)), ("batch", .int(row.batch)), ("rank", .int(row.rank)),
            ("loss", .double(row.loss)), ("lr", .double(row.lr)), ("images_per_second", .number(imagesPerSecond)),
        ]).text)
    }

    /// An `/alerts` item with the `run` every event carries.
    static func alertEvent(_ row: AlertRow) -> ServerSentEvent {
        guard case .object(let fields) = OfflineReport.json(alert: row) else { preconditionFailure("an alert is an object") }
        return ServerSentEvent(type: "alert", runID: row.runID, layer: row.path,
                               data: JSONOut.object([("run", .int(row.runID))] + fields).text)
    }

    static func hookEvent(_ hook: HookRecord, action: String, batch: Int64) -> ServerSentEvent {
        ServerSentEvent(type: "hook", runID: hook.runID, layer: hook.path, data: JSONOut.object([
            ("run", .int(hook.runID)), ("id", .int(hook.id)), ("action", .string(action)), ("layer", .string(hook.path)),
            ("kind", .string(hook.kind.rawValue)), ("batch", .int(batch)), ("stats", .array(hook.stats.map { .string($0) })),
            ("every", .int(hook.every)),
        ]).text)
    }
}
