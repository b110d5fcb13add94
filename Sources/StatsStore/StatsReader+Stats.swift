import Statistics

/// Activation statistics and histograms.
extension StatsReader {
    // Downsampling happens in SQL so a long run never crosses into Swift whole:
    // 1. `f` numbers the rows in [from, to] by batch (rn = 0, 1, …);
    // 2. `s` keeps every `every`-th of them and renumbers (rn2) with the total n;
    // 3. with a limit L < n, row rn2 is kept when floor(rn2·(L-1)/(n-1)) differs from the
    //    previous row's: that keeps exactly L rows at ceil(i·(n-1)/(L-1)), i = 0…L-1 — evenly
    //    spaced, always the first (i = 0) and the last (i = L-1, the only row in its bucket).
    // Parameters: ?1 run, ?2 path, ?3 kind, ?4 from, ?5 to, ?6 every, ?7 limit (NULL for all).
    static func sampledSQL(columns: String, table: String, pathColumn: String) -> String {
        """
        WITH f AS (
            SELECT batch, \(columns),
                   row_number() OVER (ORDER BY batch) - 1 AS rn
            FROM \(table)
            WHERE run_id = ?1 AND \(pathColumn) = ?2 AND kind = ?3 AND batch >= ?4 AND batch <= ?5
        ), s AS (
            SELECT *, row_number() OVER (ORDER BY batch) - 1 AS rn2, count(*) OVER () AS n
            FROM f WHERE rn % ?6 = 0
        )
        SELECT batch, \(columns) FROM s
        WHERE ?7 IS NULL OR n <= ?7 OR rn2 = 0
           OR (rn2 * (?7 - 1)) / (n - 1) <> ((rn2 - 1) * (?7 - 1)) / (n - 1)
        ORDER BY batch
        """
    }

    static let statsSQL = sampledSQL(columns: StatColumns.list, table: "activation_stats", pathColumn: "path")
    static let histogramsSQL = sampledSQL(columns: "epoch, lo, hi, counts", table: "histograms", pathColumn: "module")

    /// Throws `invalidArgument` for an `every` below 1 or a `limit` below 2.
    static func checkSampling(every: Int = 1, limit: Int?) throws {
        guard every >= 1 else { throw StatsStoreError.invalidArgument("every must be at least 1, got \(every)") }
        if let limit, limit < 2 {
            throw StatsStoreError.invalidArgument("limit must be at least 2 (first and last batch), got \(limit)")
        }
    }

    /// One layer's per-batch statistics, columnar.
    ///
    /// - Parameters:
    ///   - from: first batch (inclusive); nil for the start.
    ///   - to: last batch (inclusive); nil for the end.
    ///   - every: keep every `every`-th recorded row, starting with the first (>= 1).
    ///   - limit: at most this many rows, first and last kept (>= 2); nil for all. With `every`
    ///     1 the rows are the first at or after evenly spaced batches, found by index seeks, so a
    ///     dashboard's `limit=100` costs the same on a run of a million batches as on a short one;
    ///     with `every` above 1 they are evenly spaced among the strided rows.
    /// - Throws: `runNotFound`, `layerNotFound`, `invalidArgument`.
    public func stats(run: Int64, layer: String, kind: HookKind = .forward, from: Int64? = nil,
                      to: Int64? = nil, every: Int = 1, limit: Int? = nil) throws -> StatsSeries {
        try Self.checkSampling(every: every, limit: limit)
        return try read { db in
            try requireRun(run, in: db)
            let range = (from: from ?? .min, to: to ?? .max)
            var series = StatsSeries(runID: run, layer: layer, kind: kind)
            var sampled = false
            if every == 1, let limit { sampled = try sample(into: &series, db: db, range: range, limit: limit) }
            if !sampled {
                let statement = try db.prepare(Self.statsSQL)
                try statement.bind([.integer(run), .text(layer), .text(kind.rawValue), .integer(range.from),
                                    .integer(range.to), .integer(Int64(every)),
                                    limit.map { .integer(Int64($0)) } ?? .null])
                let columns = StatColumns(statement)
                while try statement.step() { series.append(row: statement, columns: columns) }
            }
            // An empty answer is fine for a known layer (no rows in range yet), an error otherwise.
            if series.count == 0 { try requireLayer(layer, run: run, in: db) }
            return series
        }
    }

    /// The last recorded batch of every layer and kind in a run, ordered by path then kind.
    ///
    /// - Parameter kind: only this kind; nil for both.
    public func latestStats(run: Int64, kind: HookKind? = nil) throws -> [ActivationStatRow] {
        try read { db in
            try requireRun(run, in: db)
            // SQLite's documented bare-column rule: with max(), the other columns come from the
            // row holding the maximum.
            let statement = try db.prepare("""
                SELECT path, kind, max(batch) AS batch, epoch, \(StatColumns.list)
                FROM activation_stats WHERE run_id = ?1 AND (?2 IS NULL OR kind = ?2)
                GROUP BY path, kind ORDER BY path, kind
                """)
            try statement.bind([.integer(run), kind.map { .text($0.rawValue) } ?? .null])
            let columns = StatColumns(statement)
            var found: [ActivationStatRow] = []
            while try statement.step() {
                found.append(ActivationStatRow(runID: run, path: statement.string(at: 0) ?? "",
                                               kind: HookKind(rawValue: statement.string(at: 1) ?? "") ?? .forward,
                                               batch: columns.batch(statement), epoch: statement.int64(at: 3),
                                               values: columns.values(statement)))
            }
            return found
        }
    }

    /// One layer's histograms within `from...to` (inclusive), in batch order.
    ///
    /// - Parameter limit: at most this many rows, evenly spaced by row, first and last kept
    ///   (>= 2), as `stats` samples them; nil for all. The range is scanned (histograms are
    ///   recorded far more rarely than scalars, so no index seeks are needed).
    /// - Throws: `runNotFound`, `layerNotFound`, `invalidArgument`.
    public func histograms(run: Int64, layer: String, kind: HookKind = .forward, from: Int64? = nil,
                           to: Int64? = nil, limit: Int? = nil) throws -> [HistogramRow] {
        try Self.checkSampling(limit: limit)
        return try read { db in
            try requireRun(run, in: db)
            let found = try rows(db, Self.histogramsSQL,
                                 [.integer(run), .text(layer), .text(kind.rawValue), .integer(from ?? .min),
                                  .integer(to ?? .max), .integer(1), limit.map { .integer(Int64($0)) } ?? .null]) { s in
                HistogramRow(runID: run, path: layer, kind: kind, batch: s.int64(at: 0), epoch: s.int64(at: 1),
                             lo: s.double(at: 2), hi: s.double(at: 3),
                             counts: JSONColumn.integers(s.string(at: 4) ?? "") ?? [])
            }
            if found.isEmpty { try requireLayer(layer, run: run, in: db) }
            return found
        }
    }
}
