import Statistics

/// How each pending row becomes an INSERT; runs on the writer queue inside a transaction.
extension StatsWriter {
    // An upsert that keeps what the new row leaves NULL: two hooks on one layer asking for
    // different statistics fill one row together, and a hook detached and re-attached within one
    // batch reports that batch twice, the later values winning, instead of aborting the flush.
    static let insertStatSQL = """
        INSERT INTO activation_stats (run_id, path, kind, rank, batch, epoch, \(StatColumns.list))
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, \(StatColumns.parameters(from: 7)))
        ON CONFLICT (run_id, path, kind, rank, batch) DO UPDATE SET epoch = excluded.epoch, \(StatColumns.mergeList)
        """
    // INSERT OR REPLACE: the same batch reported twice (see above) keeps the later histogram.
    static let insertHistogramSQL = """
        INSERT OR REPLACE INTO histograms (run_id, module, kind, rank, batch, epoch, lo, hi, counts)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        """
    static let insertBatchMetricSQL = """
        INSERT OR REPLACE INTO batch_metrics (run_id, rank, batch, epoch, loss, lr) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """
    static let insertEpochMetricSQL = """
        INSERT OR REPLACE INTO epoch_metrics (run_id, epoch, train_loss, valid_loss, accuracy, seconds)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """
    static let insertAlertSQL = """
        INSERT INTO alerts (run_id, rule, path, kind, batch, epoch, value, threshold, action, message, rank)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        """
    // Progress follows the file's own rank: the rows rank 0 gathers from the others do not move it.
    static let progressSQL = """
        UPDATE runs SET epoch = ?2, batch = ?3 WHERE id = ?1 AND rank = ?4 AND (batch IS NULL OR batch <= ?3)
        """

    func insert(_ rows: [PendingRow], into cache: StatementCache) throws {
        // The newest batch metric per run becomes runs.epoch/batch in the same transaction.
        var progress: [RunRank: BatchMetricRow] = [:]
        for row in rows {
            switch row {
            case .stat(let r):
                try cache.run(Self.insertStatSQL, [
                    .integer(r.runID), .text(r.path), .text(r.kind.rawValue), .integer(r.rank), .integer(r.batch),
                    .integer(r.epoch),
                ] + StatColumns.bindings(r.values))
            case .histogram(let r):
                try cache.run(Self.insertHistogramSQL, [
                    .integer(r.runID), .text(r.path), .text(r.kind.rawValue), .integer(r.rank), .integer(r.batch),
                    .integer(r.epoch), .real(r.lo), .real(r.hi), .text(JSONColumn.text(r.counts)),
                ])
            case .batchMetric(let r):
                try cache.run(Self.insertBatchMetricSQL, [
                    .integer(r.runID), .integer(r.rank), .integer(r.batch), .integer(r.epoch), .real(r.loss), .real(r.lr),
                ])
                let key = RunRank(run: r.runID, rank: r.rank)
                if progress[key].map({ $0.batch <= r.batch }) ?? true { progress[key] = r }
            case .epochMetric(let r):
                try cache.run(Self.insertEpochMetricSQL, [
                    .integer(r.runID), .integer(r.epoch), .real(r.trainLoss),
                    r.validLoss.map(SQLiteValue.real) ?? .null, r.accuracy.map(SQLiteValue.real) ?? .null,
                    .real(r.seconds),
                ])
            case .alert(let r):
                try cache.run(Self.insertAlertSQL, [
                    .integer(r.runID), .text(r.rule), .text(r.path), .text(r.kind), .integer(r.batch), .integer(r.epoch),
                    .real(r.value), .real(r.threshold), .text(r.action), .text(r.message), .integer(r.rank),
                ])
            }
        }
        for (key, last) in progress {
            try cache.run(Self.progressSQL, [.integer(key.run), .integer(last.epoch), .integer(last.batch), .integer(key.rank)])
        }
    }
}

/// One rank's rows of one run: the key of the progress a flush moves.
private struct RunRank: Hashable {
    var run: Int64
    var rank: Int64
}
