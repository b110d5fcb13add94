/// Run, module and hook lifecycle writes: rare, synchronous, and ordered after waiting rows.
extension StatsWriter {
    /// The timestamp format of every `*_at` column: ISO-8601 UTC with milliseconds.
    static let nowSQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

    /// Inserts a run with status `queued` and returns its id; `rank` and `worldSize` place it in
    /// a data-parallel run when its spec says where (`setPlacement` when the rendezvous tells).
    public func createRun(name: String, spec: String, rank: Int = 0, worldSize: Int = 1) throws -> Int64 {
        try synchronously { db, cache in
            try cache.run("INSERT INTO runs (name, spec, status, rank, world_size) VALUES (?1, ?2, ?3, ?4, ?5)",
                          [.text(name), .text(spec), .text(RunStatus.queued.rawValue), .integer(Int64(rank)), .integer(Int64(worldSize))])
            let id = db.lastInsertRowID
            notify(.runStatus(runID: id, status: .queued, error: nil))
            return id
        }
    }

    /// Sets a run's status (and `error` when given); stamps `started_at` on the first `running`
    /// and `finished_at` on `finished`, `failed` or `cancelled`.
    ///
    /// - Throws: `StatsStoreError.runNotFound` for an unknown id.
    public func markRun(_ id: Int64, status: RunStatus, error: String? = nil) throws {
        try synchronously { db, cache in
            try cache.run("""
                UPDATE runs SET status = ?2, error = coalesce(?3, error),
                    started_at = CASE WHEN ?2 = 'running' AND started_at IS NULL THEN \(Self.nowSQL)
                                      ELSE started_at END,
                    finished_at = CASE WHEN ?4 THEN \(Self.nowSQL) ELSE finished_at END
                WHERE id = ?1
                """, [.integer(id), .text(status.rawValue), error.map(SQLiteValue.text) ?? .null,
                      .integer(status.hasEnded ? 1 : 0)])
            if db.changes == 0 { throw StatsStoreError.runNotFound(id) }
            notify(.runStatus(runID: id, status: status, error: error))
        }
    }

    /// Marks a run `running` and stamps `started_at`.
    public func setStarted(_ id: Int64) throws {
        try markRun(id, status: .running)
    }

    /// Marks a run done (`finished` by default, or `failed`/`cancelled` with an error).
    public func setFinished(_ id: Int64, status: RunStatus = .finished, error: String? = nil) throws {
        try markRun(id, status: status, error: error)
    }

    /// Queues a `failed` or `cancelled` run again, to resume from its last checkpoint: status
    /// `queued`, `error` and `finished_at` cleared (`started_at` kept). The hooks its end closed
    /// open when it trains (`reopenHooksClosedByRunEnd`), so a cancel while it waits leaves them
    /// as they are.
    ///
    /// - Returns: the run's row as it is now.
    /// - Throws: `StatsStoreError.runNotFound`; `.runNotResumable` for any other status (the
    ///   check and the change are one statement, so two requests cannot both resume it).
    @discardableResult
    public func reopenRun(_ id: Int64) throws -> RunRecord {
        try synchronously { db, cache in
            try cache.run("""
                UPDATE runs SET status = 'queued', error = NULL, finished_at = NULL
                WHERE id = ?1 AND status IN ('failed', 'cancelled')
                """, [.integer(id)])
            let reopened = db.changes == 1
            guard let run = try StatsReader.run(id, in: db) else { throw StatsStoreError.runNotFound(id) }
            guard reopened else { throw StatsStoreError.runNotResumable(id, status: run.status) }
            notify(.runStatus(runID: id, status: .queued, error: nil))
            return run
        }
    }

    /// Opens again the hooks rows the end of a run closed (`markHookDetached(_:atBatch:byRunEnd:)`), as
    /// it resumes; clients hear of each as attached again.
    public func reopenHooksClosedByRunEnd(run id: Int64) throws {
        try synchronously { db, cache in
            let ids = try StatsReader.rows(db, "SELECT id FROM hooks WHERE run_id = ?1 AND closed_by_run_end = 1 ORDER BY id",
                                           [.integer(id)]) { $0.int64(at: 0) }
            try cache.run("UPDATE hooks SET detached_batch = NULL, closed_by_run_end = 0 WHERE run_id = ?1 AND closed_by_run_end = 1",
                          [.integer(id)])
            guard hasObserver else { return }
            for hookID in ids { if let hook = try StatsReader.hook(hookID, in: db) { notify(.hookAttached(hook)) } }
        }
    }

    /// Records that run `id` is rank `rank` of a data-parallel run of `worldSize` ranks (once the
    /// rendezvous has told), so its progress follows that rank's rows.
    public func setPlacement(_ id: Int64, rank: Int, worldSize: Int) throws {
        try synchronously { db, cache in
            try cache.run("UPDATE runs SET rank = ?2, world_size = ?3 WHERE id = ?1",
                          [.integer(id), .integer(Int64(rank)), .integer(Int64(worldSize))])
            if db.changes == 0 { throw StatsStoreError.runNotFound(id) }
        }
    }

    /// Records where the run's latest checkpoint is.
    public func setCheckpoint(_ id: Int64, path: String) throws {
        try synchronously { db, cache in
            try cache.run("UPDATE runs SET checkpoint_path = ?2 WHERE id = ?1", [.integer(id), .text(path)])
            if db.changes == 0 { throw StatsStoreError.runNotFound(id) }
        }
    }

    /// Stores a run's leaf modules in summary order (replacing any stored for the same path).
    public func insertModules(_ modules: [ModuleRecord], runID: Int64) throws {
        try synchronously { db, cache in
            try db.transaction {
                for (position, module) in modules.enumerated() {
                    try cache.run("""
                        INSERT OR REPLACE INTO modules (run_id, position, path, type, output_shape, params, trainable)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                        """, [.integer(runID), .integer(Int64(position)), .text(module.path), .text(module.type),
                              .text(JSONColumn.text(module.outputShape)), .integer(module.params),
                              .integer(module.trainable ? 1 : 0)])
                }
            }
        }
    }

    /// Stores an attached hook and returns its id (the record's `id` is ignored).
    public func insertHook(_ hook: HookRecord) throws -> Int64 {
        try synchronously { db, cache in
            try cache.run("""
                INSERT INTO hooks (run_id, path, kind, stats, every, attached_batch, detached_batch)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """, [.integer(hook.runID), .text(hook.path), .text(hook.kind.rawValue),
                      .text(JSONColumn.text(hook.stats)), .integer(hook.every), .integer(hook.attachedBatch),
                      hook.detachedBatch.map(SQLiteValue.integer) ?? .null])
            var stored = hook
            stored.id = db.lastInsertRowID
            notify(.hookAttached(stored))
            return stored.id
        }
    }

    /// Records the batch a hook stopped at; `byRunEnd` when the end of its run closed it (not a
    /// client), so that a resume opens it again.
    ///
    /// - Throws: `StatsStoreError.invalidArgument` for an unknown hook id.
    public func markHookDetached(_ id: Int64, atBatch batch: Int64, byRunEnd: Bool = false) throws {
        try synchronously { db, cache in
            try cache.run("UPDATE hooks SET detached_batch = ?2, closed_by_run_end = ?3 WHERE id = ?1",
                          [.integer(id), .integer(batch), .integer(byRunEnd ? 1 : 0)])
            if db.changes == 0 { throw StatsStoreError.invalidArgument("no hook with id \(id)") }
            if hasObserver, let hook = try StatsReader.hook(id, in: db) { notify(.hookDetached(hook)) }
        }
    }
}
