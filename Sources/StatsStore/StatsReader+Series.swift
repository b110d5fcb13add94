/// A run's per-batch loss and learning rate, as the dashboard charts them.
extension StatsReader {
    /// The per-batch loss and learning rate of the selected ranks, each rank's rows in turn
    /// (`limit` is per rank).
    public func batchMetrics(run: Int64, ranks: RankSelection, from: Int64?, to: Int64?, limit: Int?) throws -> [BatchMetricRow] {
        try self.ranks(ranks, of: run).flatMap { try batchMetrics(run: run, rank: $0, from: from, to: to, limit: limit) }
    }

    /// A run's per-batch loss and learning rate within `from...to` (inclusive), in batch order.
    ///
    /// - Parameter rank: the data-parallel rank; nil for the file's own rank of the run.
    /// - Parameter limit: at most this many rows, first and last kept (>= 2), picked by index
    ///   seeks as `stats` picks them with `every` 1; nil for all.
    /// - Throws: `runNotFound`, `invalidArgument` for a limit below 2 or a rank outside the run.
    public func batchMetrics(run: Int64, rank: Int64? = nil, from: Int64?, to: Int64?, limit: Int?) throws -> [BatchMetricRow] {
        try Self.checkSampling(limit: limit)
        return try read { db in
            let rank = try self.rank(rank, of: run, in: db)
            let decoder: RowDecoder<BatchMetricRow> = { _ in
                { s in
                    BatchMetricRow(runID: run, batch: s.int64(at: 0), epoch: s.int64(at: 1), loss: s.double(at: 2), lr: s.double(at: 3),
                                   rank: rank)
                }
            }
            return try sampledRows(.batchMetrics, key: [.integer(run), .integer(rank)], db: db, from: from, to: to, limit: limit, decoder: decoder)
        }
    }
}
