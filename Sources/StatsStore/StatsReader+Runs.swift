import Statistics

/// Runs, modules, hooks and metrics.
extension StatsReader {
    static let runColumns = """
        id, name, spec, status, created_at, started_at, finished_at, error, epoch, batch, checkpoint_path, rank, world_size
        """

    static func runRecord(_ s: Statement) -> RunRecord {
        RunRecord(id: s.int64(at: 0), name: s.string(at: 1) ?? "", spec: s.string(at: 2) ?? "",
                  status: RunStatus(rawValue: s.string(at: 3) ?? ""), createdAt: s.string(at: 4) ?? "",
                  startedAt: s.string(at: 5), finishedAt: s.string(at: 6), error: s.string(at: 7),
                  epoch: s.optionalInt64(at: 8), batch: s.optionalInt64(at: 9), checkpointPath: s.string(at: 10),
                  rank: s.int64(at: 11), worldSize: s.int64(at: 12))
    }

    /// All runs, oldest first.
    public func runs() throws -> [RunRecord] {
        try read { db in
            try rows(db, "SELECT \(Self.runColumns) FROM runs ORDER BY id", [], Self.runRecord)
        }
    }

    /// One run; throws `runNotFound` for an unknown id.
    public func run(_ id: Int64) throws -> RunRecord {
        try read { db in
            guard let run = try Self.run(id, in: db) else { throw StatsStoreError.runNotFound(id) }
            return run
        }
    }

    /// One run by id, on any connection (the writer reads back what it just changed).
    static func run(_ id: Int64, in db: Connection) throws -> RunRecord? {
        try rows(db, "SELECT \(runColumns) FROM runs WHERE id = ?1", [.integer(id)], runRecord).first
    }

    /// The newest run's id, nil when the file holds none.
    public func latestRunID() throws -> Int64? {
        try read { db in try db.scalarInt("SELECT id FROM runs ORDER BY id DESC LIMIT 1") }
    }

    /// A run's leaf modules in summary order.
    public func modules(run: Int64) throws -> [ModuleRecord] {
        try read { db in
            try requireRun(run, in: db)
            return try rows(db, """
                SELECT path, type, output_shape, params, trainable FROM modules WHERE run_id = ?1 ORDER BY position
                """, [.integer(run)]) { s in
                ModuleRecord(path: s.string(at: 0) ?? "", type: s.string(at: 1) ?? "",
                             outputShape: (JSONColumn.integers(s.string(at: 2) ?? "") ?? []).map { Int($0) },
                             params: s.int64(at: 3), trainable: s.int64(at: 4) != 0)
            }
        }
    }

    /// A run's hooks, in the order they were attached.
    public func hooks(run: Int64) throws -> [HookRecord] {
        try read { db in
            try requireRun(run, in: db)
            return try rows(db, "SELECT \(Self.hookColumns) FROM hooks WHERE run_id = ?1 ORDER BY id",
                            [.integer(run)], Self.hookRecord)
        }
    }

    /// One hook row by id, on any connection (the writer reads back what it just changed).
    static func hook(_ id: Int64, in db: Connection) throws -> HookRecord? {
        try rows(db, "SELECT \(hookColumns) FROM hooks WHERE id = ?1", [.integer(id)], hookRecord).first
    }

    static let hookColumns = "id, run_id, path, kind, stats, every, attached_batch, detached_batch"

    static func hookRecord(_ s: Statement) -> HookRecord {
        HookRecord(id: s.int64(at: 0), runID: s.int64(at: 1), path: s.string(at: 2) ?? "",
                   kind: HookKind(rawValue: s.string(at: 3) ?? "") ?? .forward,
                   stats: JSONColumn.strings(s.string(at: 4) ?? "") ?? [], every: s.int64(at: 5),
                   attachedBatch: s.int64(at: 6), detachedBatch: s.optionalInt64(at: 7))
    }

    /// A run's per-batch loss and learning rate within `from...to` (inclusive), in batch order,
    /// of one rank (nil: the file's own rank of the run).
    public func batchMetrics(run: Int64, rank: Int64? = nil, from: Int64? = nil, to: Int64? = nil) throws -> [BatchMetricRow] {
        try batchMetrics(run: run, rank: rank, from: from, to: to, limit: nil)
    }

    /// A run's end-of-epoch results, in epoch order.
    public func epochMetrics(run: Int64) throws -> [EpochMetricRow] {
        try read { db in
            try requireRun(run, in: db)
            return try rows(db, """
                SELECT run_id, epoch, train_loss, valid_loss, accuracy, seconds FROM epoch_metrics
                WHERE run_id = ?1 ORDER BY epoch
                """, [.integer(run)]) { s in
                EpochMetricRow(runID: s.int64(at: 0), epoch: s.int64(at: 1), trainLoss: s.double(at: 2),
                               validLoss: s.optionalDouble(at: 3), accuracy: s.optionalDouble(at: 4),
                               seconds: s.double(at: 5))
            }
        }
    }
}
