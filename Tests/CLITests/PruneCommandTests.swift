import Foundation
import StatsStore
import Testing

/// `hookd prune`: deletes ended runs with every row they own, refuses runs that may still train,
/// and with `--config` removes their directories under the state directory too.
@Suite struct PruneCommandTests {
    /// Trains `count` tiny runs into `db` (ids 1...count).
    private func trainRuns(_ count: Int, into db: String, in dir: Scratch) throws {
        let spec = try dir.syntheticSpec(batches: 5)
        for _ in 0..<count {
            let result = try HookdProcess.run(["train", spec, "--db", db])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    private func runIDs(_ db: String) throws -> [Int64] {
        let file = try SQLiteFile(db)
        let statement = try file.connection.prepare("SELECT id FROM runs ORDER BY id")
        var ids: [Int64] = []
        while try statement.step() { ids.append(statement.int64(at: 0)) }
        return ids
    }

    @Test func keepDeletesTheOlderEndedRunsAndTheirRows() throws {
        let dir = try Scratch()
        let db = dir.path("stats.sqlite")
        try trainRuns(3, into: db, in: dir)

        let dry = try HookdProcess.run(["prune", "--db", db, "--keep", "1", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would delete run 1 (cli-test, finished)") && dry.stdout.contains("would delete run 2"))
        #expect(try runIDs(db) == [1, 2, 3])

        let real = try HookdProcess.run(["prune", "--db", db, "--keep", "1"])
        #expect(real.status == 0, "\(real.stderr)")
        #expect(real.stdout.contains("deleted run 1") && real.stdout.contains("deleted run 2"))
        #expect(try runIDs(db) == [3])
        let file = try SQLiteFile(db)
        for table in ["activation_stats", "batch_metrics", "epoch_metrics", "hooks", "modules"] {
            #expect(try file.int("SELECT count(*) FROM \(table) WHERE run_id <> 3") == 0, "\(table)")
            #expect(try file.int("SELECT count(*) FROM \(table) WHERE run_id = 3") > 0, "\(table)")
        }
        // Nothing left beyond the newest: a second prune is a no-op.
        #expect(try HookdProcess.run(["prune", "--db", db, "--keep", "1"]).stdout.contains("nothing to delete"))
    }

    @Test func runsThatMayStillTrainAndUnknownRunsAreRefusedWithNothingDeleted() throws {
        let dir = try Scratch()
        let db = dir.path("stats.sqlite")
        try trainRuns(2, into: db, in: dir)
        try Connection(path: db).execute("UPDATE runs SET status = 'interrupted' WHERE id = 2")

        let interrupted = try HookdProcess.run(["prune", "--db", db, "--run", "1", "--run", "2"])
        #expect(interrupted.status == 1)
        #expect(interrupted.stderr.contains("run 2 is interrupted, not ended"), "\(interrupted.stderr)")
        let unknown = try HookdProcess.run(["prune", "--db", db, "--run", "7"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no run with id 7"), "\(unknown.stderr)")
        #expect(try runIDs(db) == [1, 2])
    }

    @Test(arguments: [
        ["prune", "--keep", "1"],
        ["prune", "--db", "x.sqlite"],
        ["prune", "--db", "x.sqlite", "--keep", "1", "--run", "1"],
        ["prune", "--db", "x.sqlite", "--keep", "0"],
    ])
    func usageErrorsExit64(arguments: [String]) throws {
        let result = try HookdProcess.run(arguments)
        #expect(result.status == 64, "\(result.stderr)")
    }

    @Test func aMissingFileIsAnErrorAndIsNotCreated() throws {
        let dir = try Scratch()
        let db = dir.path("absent.sqlite")
        let result = try HookdProcess.run(["prune", "--db", db, "--keep", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not found"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func withTheDaemonsConfigTheRunDirectoriesGoToo() throws {
        let dir = try Scratch()
        let state = dir.path("state")
        let db = dir.path("state/hookd.sqlite")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try trainRuns(2, into: db, in: dir)
        for id in [1, 2] {
            try FileManager.default.createDirectory(atPath: "\(state)/runs/\(id)", withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: "\(state)/runs/\(id)/checkpoint.ckpt", contents: Data([1, 2, 3])))
        }
        let config = try dir.write("hookd.json", #"{"storage": {"state_directory": "\#(state)"}}"#)

        let result = try HookdProcess.run(["prune", "--config", config, "--run", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try runIDs(db) == [2])
        #expect(!FileManager.default.fileExists(atPath: "\(state)/runs/1"))
        #expect(FileManager.default.fileExists(atPath: "\(state)/runs/2/checkpoint.ckpt"))
    }
}
