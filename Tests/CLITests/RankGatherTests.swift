import Foundation
import Testing
import StatsStore
import TestPorts

/// One place to look (issue 14): every rank's activation statistics, histograms and batch
/// metrics land in rank 0's stats file with their `rank`, gathered over the process group, and
/// a stop asked on any one rank stops every rank after the same batch.
@Suite("hookd train data-parallel: every rank's rows in rank 0's file", .serialized)
struct RankGatherTests {
    static let batchesPerRank = 16  // 384 images / 3 ranks / batch 8

    /// A synthetic-data MLP with forward and backward hooks on every layer with parameters.
    private func spec(_ dir: Scratch, worldSize: Int, epochs: Int = 1, alerts: String = "[]", name: String = "spec.json",
                      master: String = "127.0.0.1:\(FreePort.pick())") throws -> String {
        try dir.write(name, """
        {"name": "gather", "model": {"arch": "mlp", "layers": [64, 16, 4]},
         "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": \(Self.batchesPerRank * 8 * worldSize), "valid_count": 16},
         "train": {"epochs": \(epochs), "batch_size": 8, "optimizer": "sgd", "lr": 0.01, "schedule": "constant", "threads": 1,
                   "distributed": {"world_size": \(worldSize), "master": "\(master)", "timeout_seconds": 60}},
         "alerts": \(alerts),
         "hooks": [{"modules": "params", "kind": "forward", "stats": ["mean", "std", "near_zero", "histogram"]},
                   {"modules": "params", "kind": "backward", "stats": ["mean", "std"]}]}
        """)
    }

    @Test("3 ranks: rank 0's file holds layers x kinds x batches x ranks rows once each, a rank's own file agrees, no scratch file is left")
    func everyRankInRankZerosFile() throws {
        let dir = try Scratch()
        let file = try spec(dir, worldSize: 3)
        let tmp = dir.path("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        // Rank 1 records into its own file too; rank 2 has none (it records into a scratch file).
        let ranks = try RankProcesses([
            ["train", file, "--rank", "0", "--db", dir.path("rank0.sqlite")],
            ["train", file, "--rank", "1", "--db", dir.path("rank1.sqlite")],
            ["train", file, "--rank", "2"],
        ], logs: dir, shellPrefix: { _ in "export TMPDIR=\(tmp)" })
        let statuses = ranks.wait(timeout: 240)
        #expect(statuses == [0, 0, 0], "\(ranks.log(0))\n\(ranks.log(1))\n\(ranks.log(2))")
        guard statuses == [0, 0, 0] else { return }

        let db = try SQLiteFile(dir.path("rank0.sqlite"))
        #expect(try db.text("PRAGMA integrity_check") == "ok")
        #expect(try db.int("SELECT world_size FROM runs") == 3)
        #expect(try db.int("SELECT rank FROM runs") == 0)
        let layers = try db.int("SELECT count(*) FROM modules WHERE params > 0")
        #expect(layers == 2)
        for rank in 0..<3 {
            let r = "rank = \(rank)"
            #expect(try db.int("SELECT count(*) FROM batch_metrics WHERE \(r)") == Int64(Self.batchesPerRank), "rank \(rank) batch metrics")
            #expect(try db.int("SELECT count(DISTINCT batch) FROM batch_metrics WHERE \(r)") == Int64(Self.batchesPerRank))
            #expect(try db.int("SELECT count(*) FROM activation_stats WHERE \(r)") == layers * 2 * Int64(Self.batchesPerRank),
                    "rank \(rank): one row per layer, kind and batch")
            #expect(try db.int("SELECT count(*) FROM activation_stats WHERE \(r) AND kind = 'backward' AND mean IS NULL") == 0)
            #expect(try db.int("SELECT count(*) FROM histograms WHERE \(r)") == layers * Int64(Self.batchesPerRank))
        }
        #expect(try db.int("SELECT count(*) FROM activation_stats WHERE rank NOT IN (0, 1, 2)") == 0)
        // The ranks read different shards: their first layer's inputs differ, so do its outputs.
        #expect(try db.int("""
            SELECT count(DISTINCT mean) FROM activation_stats WHERE path = '1' AND kind = 'forward' AND batch = 0
            """) == 3)
        // Rank 1's rows in rank 0's file are exactly those in rank 1's own file.
        let columns = "path, kind, batch, epoch, printf('%.17g %.17g %.17g', mean, std, near_zero)"
        let own = try SQLiteFile(dir.path("rank1.sqlite"))
        #expect(try own.int("SELECT rank FROM runs") == 1)
        #expect(try own.int("SELECT count(*) FROM activation_stats WHERE rank <> 1") == 0)
        let mine = try own.text("SELECT group_concat(r, ';') FROM (SELECT \(columns) AS r FROM activation_stats ORDER BY path, kind, batch)")
        let gathered = try db.text("""
            SELECT group_concat(r, ';') FROM (SELECT \(columns) AS r FROM activation_stats WHERE rank = 1 ORDER BY path, kind, batch)
            """)
        #expect(!mine.isEmpty && gathered == mine)
        #expect(try own.text("SELECT group_concat(counts, ';') FROM histograms ORDER BY module, batch")
                == db.text("SELECT group_concat(counts, ';') FROM histograms WHERE rank = 1 ORDER BY module, batch"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty, "rank 2's scratch file is removed")
    }

    @Test("SIGTERM of rank 1 alone: both ranks stop after the same batch, interrupted, with every row of it in rank 0's file")
    func aStopOnOneRankStopsEveryRank() throws {
        let dir = try Scratch()
        let file = try spec(dir, worldSize: 2, epochs: 100_000)
        let ranks = try RankProcesses((0..<2).map { ["train", file, "--rank", "\($0)", "--db", dir.path("rank\($0).sqlite")] }, logs: dir)
        let trainingBy = Date().addingTimeInterval(120)
        while !ranks.log(1).contains("epoch 2/") && Date() < trainingBy && ranks.processes[1].isRunning { usleep(50_000) }
        #expect(ranks.log(1).contains("epoch 2/"), "\(ranks.log(1))")
        kill(ranks.processes[1].processIdentifier, SIGTERM)
        let statuses = ranks.wait(timeout: 60)
        #expect(statuses == [1, 1], "\(ranks.log(0))\n\(ranks.log(1))")
        for rank in 0..<2 { #expect(ranks.log(rank).contains("interrupted; stats flushed"), "rank \(rank): \(ranks.log(rank))") }
        let db = try SQLiteFile(dir.path("rank0.sqlite"))
        #expect(try db.text("SELECT status FROM runs") == "interrupted")
        let last = try db.int("SELECT max(batch) FROM batch_metrics WHERE rank = 0")
        #expect(last > 0)
        #expect(try db.int("SELECT max(batch) FROM batch_metrics WHERE rank = 1") == last, "both ranks end at one batch")
        #expect(try SQLiteFile(dir.path("rank1.sqlite")).int("SELECT max(batch) FROM batch_metrics") == last)
        #expect(try db.int("SELECT count(*) FROM activation_stats WHERE rank = 1 AND batch = ?1", [.integer(last)]) == 4)
    }

    @Test("an alert's stop on rank 1 alone ends both ranks after that batch; rank 0 names rank 1 and its file holds the alert")
    func aFailureOnOneRankEndsEveryRank() throws {
        let dir = try Scratch()
        let master = "127.0.0.1:\(FreePort.pick())"
        // Only rank 1's spec has a rule that fires at once (any near-zero share over 0, window 1).
        let files = try [
            spec(dir, worldSize: 2, epochs: 100, name: "rank0.json", master: master),
            spec(dir, worldSize: 2, epochs: 100, alerts: #"[{"rule": "saturated", "share": 0, "window": 1, "action": "stop"}]"#,
                 name: "rank1.json", master: master),
        ]
        let ranks = try RankProcesses((0..<2).map { ["train", files[$0], "--rank", "\($0)", "--db", dir.path("rank\($0).sqlite")] }, logs: dir)
        let statuses = ranks.wait(timeout: 60)
        #expect(statuses == [1, 1], "\(ranks.log(0))\n\(ranks.log(1))")
        #expect(ranks.log(1).contains("saturated"), "\(ranks.log(1))")
        #expect(ranks.log(0).contains("rank 1 of 2 failed, so every rank stops after batch 0"), "\(ranks.log(0))")
        let db = try SQLiteFile(dir.path("rank0.sqlite"))
        #expect(try db.text("SELECT status FROM runs") == "failed")
        // Rank 1's alerts (one per judged layer) reached rank 0's file, as rank 1's own file has them.
        let alerts = "SELECT group_concat(rule || ' ' || path || ' ' || batch || ' ' || action, ';') FROM alerts"
        let own = try SQLiteFile(dir.path("rank1.sqlite")).text(alerts)
        #expect(own.hasPrefix("saturated"))
        #expect(try db.text(alerts + " WHERE rank = 1") == own)
        #expect(try db.int("SELECT count(*) FROM alerts WHERE rank = 0") == 0)
        #expect(try db.int("SELECT count(*) FROM batch_metrics WHERE rank = 1") == 1)
        #expect(try db.int("SELECT max(batch) FROM batch_metrics WHERE rank = 0") == 0)
    }
}
