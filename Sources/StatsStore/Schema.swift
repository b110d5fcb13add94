import CSQLite

/// The stats file's schema: the list of migrations and the rules for opening a file.
///
/// Append a `Migration` to change the schema; never edit a shipped one: files in the field
/// already ran it. `PRAGMA user_version` records the last step applied.
public enum Schema {
    /// The newest schema version this build knows.
    public static var currentVersion: Int { migrations.last?.version ?? 0 }

    static let migrations: [Migration] = [
        Migration(version: 1, summary: "runs, modules, hooks, stats, histograms, metrics", sql: version1),
        Migration(version: 2, summary: "deleting a run deletes its rows", sql: version2),
        Migration(version: 3, summary: "activation_stats.abs_mean", sql: version3),
        Migration(version: 4, summary: "alerts; deleting a run deletes its alerts", sql: version4),
        Migration(version: 5, summary: "data-parallel ranks: a rank column on per-batch rows", sql: version5),
        Migration(version: 6, summary: "hooks.closed_by_run_end: the hooks a resumed run opens again", sql: version6),
    ]

    // Paths are stored as text in every row, not as module ids: offline users (sqlite3, pandas)
    // then need no join, and the PERF-NOTES headroom (~0.5M indexed rows/s vs ~5k needed) pays
    // for the bytes. Stats tables are WITHOUT ROWID and keyed on the reads HTTP and the CLI do,
    // so the key is the index and no second b-tree is maintained on every insert.
    // Foreign keys are declared for readers of the schema; SQLite leaves enforcement off.
    static let version1 = """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued',
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        started_at TEXT,
        finished_at TEXT,
        error TEXT,
        epoch INTEGER,
        batch INTEGER,
        checkpoint_path TEXT
    );
    CREATE TABLE modules (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        position INTEGER NOT NULL,
        path TEXT NOT NULL,
        type TEXT NOT NULL,
        output_shape TEXT NOT NULL,
        params INTEGER NOT NULL,
        trainable INTEGER NOT NULL,
        PRIMARY KEY (run_id, path)
    ) WITHOUT ROWID;
    CREATE TABLE hooks (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        path TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('forward', 'backward')),
        stats TEXT NOT NULL,
        every INTEGER NOT NULL DEFAULT 1,
        attached_batch INTEGER NOT NULL,
        detached_batch INTEGER
    );
    CREATE INDEX hooks_by_run ON hooks (run_id, path);
    CREATE TABLE activation_stats (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        path TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('forward', 'backward')),
        batch INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        mean REAL,
        std REAL,
        near_zero REAL,
        min REAL,
        max REAL,
        PRIMARY KEY (run_id, path, kind, batch)
    ) WITHOUT ROWID;
    CREATE TABLE histograms (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        module TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('forward', 'backward')),
        batch INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        lo REAL NOT NULL,
        hi REAL NOT NULL,
        counts TEXT NOT NULL,
        PRIMARY KEY (run_id, module, kind, batch)
    ) WITHOUT ROWID;
    CREATE TABLE batch_metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        batch INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        loss REAL,
        lr REAL,
        PRIMARY KEY (run_id, batch)
    ) WITHOUT ROWID;
    CREATE TABLE epoch_metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        epoch INTEGER NOT NULL,
        train_loss REAL,
        valid_loss REAL,
        accuracy REAL,
        seconds REAL,
        PRIMARY KEY (run_id, epoch)
    ) WITHOUT ROWID;
    """

    // Runs can be deleted from version 2 on, so ids must never be handed out twice: `runs` and
    // `hooks` are rebuilt with AUTOINCREMENT (SQLite's documented create-copy-drop-rename
    // procedure), and "run 5" or "hook 57" stays the same one in every log, URL and directory.
    // legacy_alter_table keeps RENAME from re-checking the whole schema: a view an offline user
    // made on `runs` points at a missing table for a moment and would fail the migration.
    // Foreign-key enforcement is off in SQLite by default and per connection, so ON DELETE CASCADE
    // would only work for connections that remember to switch it on. A trigger works for every
    // client: `DELETE FROM runs WHERE id = 3` in sqlite3 or pandas removes the run completely.
    static let version2 = """
    PRAGMA legacy_alter_table = ON;
    CREATE TABLE runs_v2 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued',
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        started_at TEXT,
        finished_at TEXT,
        error TEXT,
        epoch INTEGER,
        batch INTEGER,
        checkpoint_path TEXT
    );
    INSERT INTO runs_v2 (id, name, spec, status, created_at, started_at, finished_at, error, epoch, batch, checkpoint_path)
        SELECT id, name, spec, status, created_at, started_at, finished_at, error, epoch, batch, checkpoint_path FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_v2 RENAME TO runs;
    CREATE TABLE hooks_v2 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        path TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('forward', 'backward')),
        stats TEXT NOT NULL,
        every INTEGER NOT NULL DEFAULT 1,
        attached_batch INTEGER NOT NULL,
        detached_batch INTEGER
    );
    INSERT INTO hooks_v2 (id, run_id, path, kind, stats, every, attached_batch, detached_batch)
        SELECT id, run_id, path, kind, stats, every, attached_batch, detached_batch FROM hooks;
    DROP TABLE hooks;
    ALTER TABLE hooks_v2 RENAME TO hooks;
    CREATE INDEX hooks_by_run ON hooks (run_id, path);
    PRAGMA legacy_alter_table = OFF;
    CREATE TRIGGER runs_delete_rows AFTER DELETE ON runs BEGIN
        DELETE FROM activation_stats WHERE run_id = OLD.id;
        DELETE FROM histograms WHERE run_id = OLD.id;
        DELETE FROM batch_metrics WHERE run_id = OLD.id;
        DELETE FROM epoch_metrics WHERE run_id = OLD.id;
        DELETE FROM hooks WHERE run_id = OLD.id;
        DELETE FROM modules WHERE run_id = OLD.id;
    END;
    """

    // The mean of |x|, which tells a vanishing gradient whatever its sign. Rows recorded before
    // (and hooks that do not ask for it) leave it NULL, like any statistic a hook did not compute.
    static let version3 = """
    ALTER TABLE activation_stats ADD COLUMN abs_mean REAL;
    """

    // Training-health alerts: one row per episode, so a plain rowid table with an index on the
    // reads (a run's alerts newest first) is enough. The delete trigger of version 2 is
    // recreated with the new table: DELETE FROM runs must still remove a run completely.
    static let version4 = """
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        rule TEXT NOT NULL,
        path TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('forward', 'backward', 'loss')),
        batch INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        value REAL,
        threshold REAL,
        action TEXT NOT NULL CHECK (action IN ('warn', 'stop')),
        message TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX alerts_by_run ON alerts (run_id, id);
    DROP TRIGGER runs_delete_rows;
    CREATE TRIGGER runs_delete_rows AFTER DELETE ON runs BEGIN
        DELETE FROM activation_stats WHERE run_id = OLD.id;
        DELETE FROM histograms WHERE run_id = OLD.id;
        DELETE FROM batch_metrics WHERE run_id = OLD.id;
        DELETE FROM epoch_metrics WHERE run_id = OLD.id;
        DELETE FROM hooks WHERE run_id = OLD.id;
        DELETE FROM modules WHERE run_id = OLD.id;
        DELETE FROM alerts WHERE run_id = OLD.id;
    END;
    """

    // Data-parallel runs (issue 14): rank 0's file holds every rank's rows, so `rank` joins the
    // key of each per-batch table, just before `batch`: one rank's series stays one index range.
    // WITHOUT ROWID tables cannot change their key in place, so the three are rebuilt (SQLite's
    // create-copy-drop-rename); rows recorded before are rank 0's, a single process being rank 0.
    // `runs` says which rank of how many ranks the file's own run is. The delete trigger names
    // the rebuilt tables, so it is recreated after them.
    static let version5 = """
    PRAGMA legacy_alter_table = ON;
    DROP TRIGGER runs_delete_rows;
    ALTER TABLE runs ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN world_size INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE activation_stats_v5 (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        path TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('forward', 'backward')),
        rank INTEGER NOT NULL DEFAULT 0,
        batch INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        mean REAL,
        std REAL,
        near_zero REAL,
        min REAL,
        max REAL,
        abs_mean REAL,
        PRIMARY KEY (run_id, path, kind, rank, batch)
    ) WITHOUT ROWID;
    INSERT INTO activation_stats_v5 (run_id, path, kind, rank, batch, epoch, mean, std, near_zero, min, max, abs_mean)
        SELECT run_id, path, kind, 0, batch, epoch, mean, std, near_zero, min, max, abs_mean FROM activation_stats;
    DROP TABLE activation_stats;
    ALTER TABLE activation_stats_v5 RENAME TO activation_stats;
    CREATE TABLE histograms_v5 (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        module TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('forward', 'backward')),
        rank INTEGER NOT NULL DEFAULT 0,
        batch INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        lo REAL NOT NULL,
        hi REAL NOT NULL,
        counts TEXT NOT NULL,
        PRIMARY KEY (run_id, module, kind, rank, batch)
    ) WITHOUT ROWID;
    INSERT INTO histograms_v5 (run_id, module, kind, rank, batch, epoch, lo, hi, counts)
        SELECT run_id, module, kind, 0, batch, epoch, lo, hi, counts FROM histograms;
    DROP TABLE histograms;
    ALTER TABLE histograms_v5 RENAME TO histograms;
    CREATE TABLE batch_metrics_v5 (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        rank INTEGER NOT NULL DEFAULT 0,
        batch INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        loss REAL,
        lr REAL,
        PRIMARY KEY (run_id, rank, batch)
    ) WITHOUT ROWID;
    INSERT INTO batch_metrics_v5 (run_id, rank, batch, epoch, loss, lr)
        SELECT run_id, 0, batch, epoch, loss, lr FROM batch_metrics;
    DROP TABLE batch_metrics;
    ALTER TABLE batch_metrics_v5 RENAME TO batch_metrics;
    ALTER TABLE alerts ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
    PRAGMA legacy_alter_table = OFF;
    CREATE TRIGGER runs_delete_rows AFTER DELETE ON runs BEGIN
        DELETE FROM activation_stats WHERE run_id = OLD.id;
        DELETE FROM histograms WHERE run_id = OLD.id;
        DELETE FROM batch_metrics WHERE run_id = OLD.id;
        DELETE FROM epoch_metrics WHERE run_id = OLD.id;
        DELETE FROM hooks WHERE run_id = OLD.id;
        DELETE FROM modules WHERE run_id = OLD.id;
        DELETE FROM alerts WHERE run_id = OLD.id;
    END;
    """

    /// Which hooks rows the end of a run closed (not a client's detach): a failed or cancelled
    /// run that resumes opens exactly those again. Files from before knew no difference; for
    /// their failed and cancelled runs, the rows closed at the run's last `detached_batch` are
    /// taken as its end's.
    static let version6 = """
    ALTER TABLE hooks ADD COLUMN closed_by_run_end INTEGER NOT NULL DEFAULT 0;
    UPDATE hooks SET closed_by_run_end = 1
    WHERE run_id IN (SELECT id FROM runs WHERE status IN ('failed', 'cancelled'))
      AND detached_batch = (SELECT max(h.detached_batch) FROM hooks AS h WHERE h.run_id = hooks.run_id);
    """

    /// Applies every migration above the file's `user_version`, in one transaction.
    ///
    /// - Throws: `StatsStoreError.schemaTooNew` for a file from a newer hookd,
    ///   `.notAStatsFile` for a foreign database, `.notADatabase` for a non-SQLite file.
    static func migrate(_ db: Connection, migrations: [Migration] = Schema.migrations) throws {
        let latest = migrations.last?.version ?? 0
        try mapOpenErrors(path: db.path) {
            // IMMEDIATE: two processes opening the same new file must not both run step 1.
            try db.transaction(.immediate) {
                let found = try db.userVersion()
                if found > latest {
                    throw StatsStoreError.schemaTooNew(path: db.path, found: found, supported: latest)
                }
                if found == 0, try db.scalarInt("SELECT count(*) FROM sqlite_schema") != 0 {
                    throw StatsStoreError.notAStatsFile(path: db.path)
                }
                for step in migrations where step.version > found {
                    try db.execute(step.sql)
                    try db.setUserVersion(step.version)
                }
            }
        }
    }

    /// Checks that a read-only connection sees exactly the schema this build knows.
    static func checkReadable(_ db: Connection) throws {
        try mapOpenErrors(path: db.path) {
            let found = try db.userVersion()
            if found == 0 { throw StatsStoreError.notAStatsFile(path: db.path) }
            if found > currentVersion {
                throw StatsStoreError.schemaTooNew(path: db.path, found: found, supported: currentVersion)
            }
            if found < currentVersion {
                throw StatsStoreError.schemaTooOld(path: db.path, found: found, supported: currentVersion)
            }
        }
    }

    /// Turns SQLITE_NOTADB, which SQLite reports at the first read, into a typed error.
    static func mapOpenErrors<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError where error.code == SQLITE_NOTADB {
            throw StatsStoreError.notADatabase(path: path)
        }
    }
}
