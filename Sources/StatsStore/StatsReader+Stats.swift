import Statistics

/// Activation statistics and histograms.
extension StatsReader {
    /// Throws `invalidArgument` for an `every` below 1 or a `limit` below 2.
    static func checkSampling(every: Int = 1, limit: Int?) throws {
        guard every >= 1 else { throw StatsStoreError.invalidArgument("every must be at least 1, got \(every)") }
        if let limit, limit < 2 {
            throw StatsStoreError.invalidArgument("limit must be at least 2 (first and last batch), got \(limit)")
        }
    }

    /// One layer's per-batch statistics of one rank, columnar.
    ///
    /// - Parameters:
    ///   - rank: the data-parallel rank; nil for the file's own rank of the run (0 but on the
    ///     other ranks' files).
    ///   - from: first batch (inclusive); nil for the start.
    ///   - to: last batch (inclusive); nil for the end.
    ///   - every: keep every `every`-th recorded row, starting with the first (>= 1).
    ///   - limit: at most this many rows, first and last kept (>= 2); nil for all. With `every`
    ///     1 the rows are the first at or after evenly spaced batches, found by index seeks, so a
    ///     dashboard's `limit=100` costs the same on a run of a million batches as on a short one;
    ///     with `every` above 1 they are evenly spaced among the strided rows.
    /// - Throws: `runNotFound`, `layerNotFound`, `invalidArgument` (also for a rank outside the
    ///   run's world size).
    public func stats(run: Int64, layer: String, kind: HookKind = .forward, rank: Int64? = nil, from: Int64? = nil,
                      to: Int64? = nil, every: Int = 1, limit: Int? = nil) throws -> StatsSeries {
        try Self.checkSampling(every: every, limit: limit)
        return try read { db in
            let rank = try self.rank(rank, of: run, in: db)
            let range = (from: from ?? .min, to: to ?? .max)
            let key: [SQLiteValue] = [.integer(run), .text(layer), .text(kind.rawValue), .integer(rank)]
            var series = StatsSeries(runID: run, layer: layer, kind: kind)
            let rows: [(batch: Int64, values: StatValues)]
            if every == 1, let limit, let sampled = try sample(.stats, key: key, db: db, range: range, limit: limit, decoder: Self.statRow) {
                rows = sampled
            } else {
                let statement = try db.prepare(SampledTable.stats.byRowSQL)
                try statement.bind(key + [.integer(range.from), .integer(range.to), .integer(Int64(every)),
                                          limit.map { .integer(Int64($0)) } ?? .null])
                rows = try all(statement, decoder: Self.statRow)
            }
            for row in rows { series.append(batch: row.batch, values: row.values, rank: rank) }
            // An empty answer is fine for a known layer (no rows in range yet), an error otherwise.
            if series.count == 0 { try requireLayer(layer, run: run, in: db) }
            return series
        }
    }

    /// One layer's per-batch statistics of the selected ranks: every rank's series in rank
    /// order for `.all`, each sampled on its own (so `limit` is per rank).
    ///
    /// - Throws: as `stats(run:layer:kind:rank:…)`.
    public func stats(run: Int64, layer: String, kind: HookKind = .forward, ranks: RankSelection, from: Int64? = nil,
                      to: Int64? = nil, every: Int = 1, limit: Int? = nil) throws -> StatsSeries {
        var series = StatsSeries(runID: run, layer: layer, kind: kind)
        for rank in try self.ranks(ranks, of: run) {
            series.append(contentsOf: try stats(run: run, layer: layer, kind: kind, rank: rank, from: from, to: to, every: every, limit: limit))
        }
        return series
    }

    /// The last recorded batch of every layer and kind in a run, ordered by path then kind, of
    /// the file's own rank of the run.
    ///
    /// - Parameter kind: only this kind; nil for both.
    public func latestStats(run: Int64, kind: HookKind? = nil) throws -> [ActivationStatRow] {
        try read { db in
            let rank = try self.rank(nil, of: run, in: db)
            // SQLite's documented bare-column rule: with max(), the other columns come from the
            // row holding the maximum.
            let statement = try db.prepare("""
                SELECT path, kind, max(batch) AS batch, epoch, \(StatColumns.list)
                FROM activation_stats WHERE run_id = ?1 AND (?2 IS NULL OR kind = ?2) AND rank = ?3
                GROUP BY path, kind ORDER BY path, kind
                """)
            try statement.bind([.integer(run), kind.map { .text($0.rawValue) } ?? .null, .integer(rank)])
            let columns = StatColumns(statement)
            var found: [ActivationStatRow] = []
            while try statement.step() {
                found.append(ActivationStatRow(runID: run, path: statement.string(at: 0) ?? "",
                                               kind: HookKind(rawValue: statement.string(at: 1) ?? "") ?? .forward,
                                               batch: columns.batch(statement), epoch: statement.int64(at: 3),
                                               values: columns.values(statement), rank: rank))
            }
            return found
        }
    }

    /// One layer's histograms of one rank within `from...to` (inclusive), in batch order.
    ///
    /// - Parameters:
    ///   - rank: as for `stats`; nil for the file's own rank of the run.
    ///   - limit: at most this many rows, first and last kept (>= 2), picked as `stats` picks
    ///     them with `every` 1 (index seeks); nil for all.
    /// - Throws: `runNotFound`, `layerNotFound`, `invalidArgument`.
    public func histograms(run: Int64, layer: String, kind: HookKind = .forward, rank: Int64? = nil, from: Int64? = nil,
                           to: Int64? = nil, limit: Int? = nil) throws -> [HistogramRow] {
        try Self.checkSampling(limit: limit)
        return try read { db in
            let rank = try self.rank(rank, of: run, in: db)
            let decoder: RowDecoder<HistogramRow> = { _ in
                { s in
                    HistogramRow(runID: run, path: layer, kind: kind, batch: s.int64(at: 0), epoch: s.int64(at: 1),
                                 lo: s.double(at: 2), hi: s.double(at: 3), counts: JSONColumn.integers(s.string(at: 4) ?? "") ?? [],
                                 rank: rank)
                }
            }
            let found = try sampledRows(.histograms, key: [.integer(run), .text(layer), .text(kind.rawValue), .integer(rank)], db: db,
                                        from: from, to: to, limit: limit, decoder: decoder)
            if found.isEmpty { try requireLayer(layer, run: run, in: db) }
            return found
        }
    }

    /// Decodes an activation_stats row selected as `batch, <statistics>`.
    static func statRow(_ statement: Statement) -> (Statement) -> (batch: Int64, values: StatValues) {
        let columns = StatColumns(statement)
        return { (columns.batch($0), columns.values($0)) }
    }

    /// Every row of a bound `statement`, decoded.
    func all<Row>(_ statement: Statement, decoder: RowDecoder<Row>) throws -> [Row] {
        let decode = decoder(statement)
        var rows: [Row] = []
        while try statement.step() { rows.append(decode(statement)) }
        return rows
    }
}
