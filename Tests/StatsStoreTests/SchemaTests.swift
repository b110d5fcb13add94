import Foundation
import Statistics
import Testing
@testable import StatsStore

@Suite("Schema and migrations")
struct SchemaTests {
    /// Column names of `table`, in order.
    func columns(_ db: Connection, _ table: String) throws -> [String] {
        let s = try db.prepare("SELECT name FROM pragma_table_info(?1)")
        try s.bind(table, at: 1)
        var names: [String] = []
        while try s.step() { names.append(s.string(at: 0) ?? "") }
        return names
    }

    @Test("a new file has the SPEC §6 tables and columns, WAL, and the current user_version")
    func freshSchema() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        try writer.close()
        let db = try Connection(path: path, flags: [.readOnly])
        #expect(try db.userVersion() == Schema.currentVersion)
        #expect(Schema.currentVersion >= 1)
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        let required: [String: [String]] = [
            "runs": ["id", "name", "spec", "status", "created_at", "started_at", "finished_at", "error", "rank", "world_size"],
            "modules": ["run_id", "path", "type", "output_shape", "params", "trainable"],
            "hooks": ["id", "run_id", "path", "kind", "stats", "every", "attached_batch", "detached_batch"],
            "activation_stats": ["run_id", "path", "kind", "rank", "batch", "epoch", "mean", "std", "near_zero", "abs_mean", "min", "max"],
            "histograms": ["run_id", "module", "kind", "rank", "batch", "counts"],
            "batch_metrics": ["run_id", "rank", "batch", "epoch", "loss", "lr"],
            "alerts": ["run_id", "rank", "rule", "path", "batch"],
            "epoch_metrics": ["run_id", "epoch", "train_loss", "valid_loss", "accuracy", "seconds"],
        ]
        for (table, expected) in required {
            let found = try columns(db, table)
            for column in expected {
                #expect(found.contains(column), "\(table).\(column) missing; has \(found)")
            }
        }
    }

    @Test("the stats read is served by the primary key, not a table scan")
    func statsQueryUsesIndex() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        try StatsWriter(path: path).close()
        let db = try Connection(path: path, flags: [.readOnly])
        let plan = try db.prepare("""
            EXPLAIN QUERY PLAN SELECT * FROM activation_stats
            WHERE run_id = 1 AND path = 'a' AND kind = 'forward' AND rank = 0 AND batch >= 0 AND batch <= 10
            """)
        var details: [String] = []
        while try plan.step() { details.append(plan.string(at: 3) ?? "") }
        #expect(details.contains { $0.contains("SEARCH") && $0.contains("PRIMARY KEY") }, "\(details)")
    }

    @Test("an empty (zero-byte) file is migrated to the current version")
    func migrateEmptyFile() throws {
        let dir = try TempDir()
        let path = dir.path("empty.db")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let writer = try StatsWriter(path: path)
        let run = try writer.createRun(name: "r", spec: "{}")
        try writer.close()
        #expect(run == 1)
        #expect(try Connection(path: path).userVersion() == Schema.currentVersion)
    }

    @Test("an older file runs only the missing steps")
    func migrateStepwise() throws {
        let dir = try TempDir()
        let path = dir.path("old.db")
        let db = try Connection(path: path)
        let v1 = Array(Schema.migrations.prefix(1))
        try Schema.migrate(db, migrations: v1)
        try db.execute("INSERT INTO runs (name, spec) VALUES ('kept', '{}')")
        #expect(try db.userVersion() == 1)
        let v2 = v1 + [Migration(version: 2, summary: "test step", sql: "ALTER TABLE runs ADD COLUMN note TEXT")]
        try Schema.migrate(db, migrations: v2)
        #expect(try db.userVersion() == 2)
        #expect(try db.scalarText("SELECT name FROM runs") == "kept")
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'note'") == 1)
        // Running again is a no-op, not an "duplicate column" error.
        try Schema.migrate(db, migrations: v2)
    }

    @Test("a version 2 file gains abs_mean: its rows are kept and read back with abs_mean not recorded")
    func migrateToAbsMean() throws {
        let dir = try TempDir()
        let path = dir.path("v2.db")
        let db = try fileAtSchemaVersion(2, path: path)
        try db.execute("INSERT INTO runs (name, spec) VALUES ('old', '{}')")
        try db.execute("""
            INSERT INTO activation_stats (run_id, path, kind, batch, epoch, mean, std, near_zero, min, max)
            VALUES (1, '0.0', 'forward', 0, 0, 0.5, 1.5, 0.25, -1, 2)
            """)
        try db.close()
        try StatsWriter(path: path).close()
        let series = try StatsReader(path: path).stats(run: 1, layer: "0.0")
        #expect(series.batch == [0] && series[.mean] == [0.5] && series[.std] == [1.5] && series[.max] == [2])
        #expect(series[.absMean].count == 1 && series[.absMean][0].isNaN)
        #expect(try Connection(path: path).userVersion() == Schema.currentVersion)
    }

    @Test("a version 4 file gains ranks: every row is rank 0's, read back whole, and deleting the run still deletes them")
    func migrateToRanks() throws {
        let dir = try TempDir()
        let path = dir.path("v4.db")
        let db = try fileAtSchemaVersion(4, path: path)
        try db.execute("""
            INSERT INTO runs (name, spec, status, batch) VALUES ('old', '{}', 'finished', 1);
            INSERT INTO activation_stats (run_id, path, kind, batch, epoch, mean, abs_mean) VALUES
                (1, '0.0', 'forward', 0, 0, 0.5, 0.75), (1, '0.0', 'forward', 1, 0, 0.25, NULL);
            INSERT INTO histograms (run_id, module, kind, batch, epoch, lo, hi, counts) VALUES (1, '0.0', 'forward', 1, 0, 0, 10, '[3,4]');
            INSERT INTO batch_metrics (run_id, batch, epoch, loss, lr) VALUES (1, 0, 0, 2.5, 0.1), (1, 1, 0, 2.0, 0.1);
            INSERT INTO alerts (run_id, rule, path, kind, batch, epoch, action, message)
                VALUES (1, 'exploding', '0.0', 'forward', 1, 0, 'warn', 'big');
            """)
        try db.close()
        let writer = try StatsWriter(path: path)
        let reader = try StatsReader(path: path)
        let series = try reader.stats(run: 1, layer: "0.0")
        #expect(series.batch == [0, 1] && series[.mean] == [0.5, 0.25] && series[.absMean][0] == 0.75 && series.rank == [0, 0])
        #expect(try reader.histograms(run: 1, layer: "0.0").map(\.counts) == [[3, 4]])
        #expect(try reader.batchMetrics(run: 1).map(\.loss) == [2.5, 2.0])
        #expect(try reader.alerts(run: 1).map(\.rank) == [0])
        #expect(try reader.run(1).rank == 0 && reader.run(1).worldSize == 1)
        let check = try Connection(path: path, flags: [.readOnly])
        #expect(try check.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try check.scalarInt("SELECT count(*) FROM activation_stats WHERE rank = 0") == 2)
        try writer.deleteRuns([1])
        for table in ["activation_stats", "histograms", "batch_metrics", "alerts"] {
            #expect(try check.scalarInt("SELECT count(*) FROM \(table)") == 0, "\(table) kept rows of a deleted run")
        }
        try writer.close()
    }

    @Test("a file from a newer hookd is refused, by writer and reader alike")
    func newerFileRefused() throws {
        let dir = try TempDir()
        let path = dir.path("new.db")
        try StatsWriter(path: path).close()
        try Connection(path: path).setUserVersion(Schema.currentVersion + 1)
        let expected = StatsStoreError.schemaTooNew(path: path, found: Schema.currentVersion + 1,
                                                    supported: Schema.currentVersion)
        #expect(throws: expected) { try StatsWriter(path: path) }
        #expect(throws: expected) { try StatsReader(path: path) }
    }

    @Test("a foreign SQLite database is not migrated into")
    func foreignDatabaseRefused() throws {
        let dir = try TempDir()
        let path = dir.path("other.db")
        try Connection(path: path).execute("CREATE TABLE customers (id INTEGER)")
        #expect(throws: StatsStoreError.notAStatsFile(path: path)) { try StatsWriter(path: path) }
        #expect(try Connection(path: path).scalarInt("SELECT count(*) FROM sqlite_schema") == 1)
    }
}
