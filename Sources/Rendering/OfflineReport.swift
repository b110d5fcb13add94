import Statistics
import StatsStore

/// The text `hookd stats` and `hookd runs` print for a stats file, in each `ReportFormat`.
///
/// Opens the file read-only (never creates it), so every problem is a `StatsStoreError` whose
/// description is the message to print before exiting with status 1.
public struct OfflineReport: Sendable {
    /// The reader over the file.
    public let reader: StatsReader

    /// Opens `databasePath` read-only.
    ///
    /// - Throws: `fileNotFound`, `notADatabase`, `notAStatsFile`, `schemaTooNew`, `schemaTooOld`.
    public init(databasePath: String) throws {
        reader = try StatsReader(path: databasePath)
    }

    /// `hookd runs`: every run, oldest first.
    public func runs(format: ReportFormat = .table) throws -> String {
        let runs = try reader.runs()
        switch format {
        case .table:
            var table = TextTable(header: ["id", "name", "status", "created_at", "finished_at", "epoch", "batch", "error"],
                                  rightAligned: [0, 5, 6])
            table.rows = runs.map { r in
                ["\(r.id)", r.name, r.status.rawValue, r.createdAt, r.finishedAt ?? "", r.epoch.map { "\($0)" } ?? "",
                 r.batch.map { "\($0)" } ?? "", r.error ?? ""]
            }
            return table.render()
        case .csv:
            return CSVText.line(["id", "name", "status", "created_at", "started_at", "finished_at", "epoch", "batch", "error"])
                + runs.map { r in
                    CSVText.line(["\(r.id)", CSVText.cell(r.name), r.status.rawValue, r.createdAt, r.startedAt ?? "",
                                  r.finishedAt ?? "", r.epoch.map { "\($0)" } ?? "", r.batch.map { "\($0)" } ?? "",
                                  CSVText.cell(r.error ?? "")])
                }.joined()
        case .json:
            return JSONOut.array(runs.map { r in
                .object([
                    ("id", .int(r.id)), ("name", .string(r.name)), ("status", .string(r.status.rawValue)),
                    ("created_at", .string(r.createdAt)), ("started_at", .text(r.startedAt)),
                    ("finished_at", .text(r.finishedAt)), ("epoch", .int(r.epoch)), ("batch", .int(r.batch)),
                    ("error", .text(r.error)),
                ])
            }).text + "\n"
        }
    }

    /// `hookd stats`: with a layer, its per-batch statistics; without, the last batch of every layer.
    ///
    /// - Parameters:
    ///   - run: the run; nil for the latest one.
    ///   - layer: a dotted module path; nil for every layer's latest statistics.
    ///   - kind: `forward` or `backward`; nil means `forward` for a layer, both for all layers.
    ///   - ranks: a layer's data-parallel ranks (default: the file's own rank of the run).
    ///   - from, to, every, limit: a layer's range and sampling, as `StatsReader.stats` and
    ///     HTTP's `/stats/{layer}` take them (ignored without a layer).
    /// - Throws: `noRuns`, `runNotFound`, `layerNotFound`, `invalidArgument`.
    public func stats(run: Int64? = nil, layer: String? = nil, kind: HookKind? = nil, ranks: RankSelection = .own,
                      from: Int64? = nil, to: Int64? = nil, every: Int = 1, limit: Int? = nil,
                      format: ReportFormat = .table) throws -> String {
        let runID: Int64
        if let run {
            runID = run
        } else {
            guard let latest = try reader.latestRunID() else { throw StatsStoreError.noRuns }
            runID = latest
        }
        if let layer {
            let series = try reader.stats(run: runID, layer: layer, kind: kind ?? .forward, ranks: ranks, from: from, to: to,
                                          every: every, limit: limit)
            return Self.render(series, format: format)
        }
        return Self.render(latest: try reader.latestStats(run: runID, kind: kind), run: runID, format: format)
    }

    /// Renders one layer's series; JSON is the HTTP `/stats/{layer}` shape.
    public static func render(_ s: StatsSeries, format: ReportFormat) -> String {
        let header = ["batch", "rank"] + Statistic.allCases.map(\.name)
        let rows = (0..<s.count).map { i in (key: ["\(s.batch[i])", "\(s.rank[i])"], values: Statistic.allCases.map { s[$0][i] }) }
        switch format {
        case .table:
            // A single process's table keeps its old columns; ranks show when there are several.
            let ranked = s.rank.contains { $0 != 0 }
            var table = TextTable(header: ranked ? header : header.filter { $0 != "rank" }, rightAligned: Set(header.indices))
            table.rows = rows.map { (ranked ? $0.key : [$0.key[0]]) + $0.values.map(TextTable.number) }
            return "run \(s.runID), layer \(s.layer), \(s.kind.rawValue)\n" + table.render()
        case .csv:
            return CSVText.line(header) + rows.map { CSVText.line($0.key + $0.values.map(CSVText.number)) }.joined()
        case .json:
            return JSONOut.object([
                ("run", .int(s.runID)), ("layer", .string(s.layer)), ("kind", .string(s.kind.rawValue)),
                ("batch", .array(s.batch.map { .int($0) })), ("rank", .array(s.rank.map { .int($0) })),
            ] + Statistic.allCases.map { ($0.name, .array(s[$0].map(JSONOut.double))) }).text + "\n"
        }
    }

    /// Renders the last batch of every layer.
    public static func render(latest rows: [ActivationStatRow], run: Int64, format: ReportFormat) -> String {
        let header = ["path", "kind", "batch", "epoch"] + Statistic.allCases.map(\.name)
        switch format {
        case .table:
            var table = TextTable(header: header, rightAligned: Set(2..<header.count))
            table.rows = rows.map { r in
                [r.path, r.kind.rawValue, "\(r.batch)", "\(r.epoch)"] + r.values.all.map(TextTable.number)
            }
            return "run \(run), last recorded batch of each layer\n" + table.render()
        case .csv:
            return CSVText.line(header) + rows.map { r in
                CSVText.line([CSVText.cell(r.path), r.kind.rawValue, "\(r.batch)", "\(r.epoch)"]
                    + r.values.all.map(CSVText.number))
            }.joined()
        case .json:
            let layers = rows.map { r in
                JSONOut.object([
                    ("path", .string(r.path)), ("kind", .string(r.kind.rawValue)), ("batch", .int(r.batch)),
                    ("epoch", .int(r.epoch)),
                ] + Statistic.allCases.map { ($0.name, .double(r[$0])) })
            }
            return JSONOut.object([("run", .int(run)), ("layers", .array(layers))]).text + "\n"
        }
    }
}
