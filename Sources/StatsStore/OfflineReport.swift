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
            let items = runs.map { r in
                "{\"id\":\(r.id),\"name\":\(JSONText.string(r.name)),\"status\":\(JSONText.string(r.status.rawValue)),"
                    + "\"created_at\":\(JSONText.string(r.createdAt)),\"started_at\":\(JSONText.string(r.startedAt)),"
                    + "\"finished_at\":\(JSONText.string(r.finishedAt)),\"epoch\":\(JSONText.integer(r.epoch)),"
                    + "\"batch\":\(JSONText.integer(r.batch)),\"error\":\(JSONText.string(r.error))}"
            }
            return "[" + items.joined(separator: ",") + "]\n"
        }
    }

    /// `hookd stats`: with a layer, its per-batch statistics; without, the last batch of every layer.
    ///
    /// - Parameters:
    ///   - run: the run; nil for the latest one.
    ///   - layer: a dotted module path; nil for every layer's latest statistics.
    ///   - kind: `forward` or `backward`; nil means `forward` for a layer, both for all layers.
    ///   - from, to, every, limit: a layer's range and sampling, as `StatsReader.stats` and
    ///     HTTP's `/stats/{layer}` take them (ignored without a layer).
    /// - Throws: `noRuns`, `runNotFound`, `layerNotFound`, `invalidArgument`.
    public func stats(run: Int64? = nil, layer: String? = nil, kind: ActivationKind? = nil,
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
            let series = try reader.stats(run: runID, layer: layer, kind: kind ?? .forward, from: from, to: to, every: every, limit: limit)
            return Self.render(series, format: format)
        }
        return Self.render(latest: try reader.latestStats(run: runID, kind: kind), run: runID, format: format)
    }

    /// Renders one layer's series; JSON is the HTTP `/stats/{layer}` shape.
    public static func render(_ s: StatsSeries, format: ReportFormat) -> String {
        switch format {
        case .table:
            var table = TextTable(header: ["batch", "mean", "std", "near_zero", "min", "max"], rightAligned: Set(0..<6))
            table.rows = (0..<s.count).map { i in ["\(s.batch[i])"] + Self.values(s, i).map(TextTable.number) }
            return "run \(s.runID), layer \(s.layer), \(s.kind.rawValue)\n" + table.render()
        case .csv:
            let lines = (0..<s.count).map { i in
                CSVText.line(["\(s.batch[i])"] + Self.values(s, i).map(CSVText.number))
            }
            return CSVText.line(["batch", "mean", "std", "near_zero", "min", "max"]) + lines.joined()
        case .json:
            func array(_ values: [Double]) -> String { "[" + values.map(JSONText.number).joined(separator: ",") + "]" }
            return "{\"run\":\(s.runID),\"layer\":\(JSONText.string(s.layer)),\"kind\":\(JSONText.string(s.kind.rawValue)),"
                + "\"batch\":\(JSONText.integers(s.batch)),\"mean\":\(array(s.mean)),\"std\":\(array(s.std)),"
                + "\"near_zero\":\(array(s.nearZero)),\"min\":\(array(s.min)),\"max\":\(array(s.max))}\n"
        }
    }

    private static func values(_ s: StatsSeries, _ i: Int) -> [Double] {
        [s.mean[i], s.std[i], s.nearZero[i], s.min[i], s.max[i]]
    }

    private static func values(_ r: ActivationStatRow) -> [Double] {
        [r.mean, r.std, r.nearZero, r.min, r.max]
    }

    /// Renders the last batch of every layer.
    public static func render(latest rows: [ActivationStatRow], run: Int64, format: ReportFormat) -> String {
        let header = ["path", "kind", "batch", "epoch", "mean", "std", "near_zero", "min", "max"]
        switch format {
        case .table:
            var table = TextTable(header: header, rightAligned: Set(2..<9))
            table.rows = rows.map { r in
                [r.path, r.kind.rawValue, "\(r.batch)", "\(r.epoch)"] + Self.values(r).map(TextTable.number)
            }
            return "run \(run), last recorded batch of each layer\n" + table.render()
        case .csv:
            return CSVText.line(header) + rows.map { r in
                CSVText.line([CSVText.cell(r.path), r.kind.rawValue, "\(r.batch)", "\(r.epoch)"]
                    + Self.values(r).map(CSVText.number))
            }.joined()
        case .json:
            let items = rows.map { r in
                "{\"path\":\(JSONText.string(r.path)),\"kind\":\(JSONText.string(r.kind.rawValue)),"
                    + "\"batch\":\(r.batch),\"epoch\":\(r.epoch),\"mean\":\(JSONText.number(r.mean)),"
                    + "\"std\":\(JSONText.number(r.std)),\"near_zero\":\(JSONText.number(r.nearZero)),"
                    + "\"min\":\(JSONText.number(r.min)),\"max\":\(JSONText.number(r.max))}"
            }
            return "{\"run\":\(run),\"layers\":[" + items.joined(separator: ",") + "]}\n"
        }
    }
}
