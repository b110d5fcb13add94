import Foundation
import StatsStore
import Testing

/// What survives when `hookd train --db` dies: kill -9 at random points, SIGTERM, a full disk.
@Suite("hookd train crash safety")
struct CrashRecoveryTests {
    /// Waits until the file holds at least `rows` activation rows for `run`; returns the max batch seen.
    struct NoRows: Error, CustomStringConvertible {
        var description: String
    }

    func waitForRows(_ db: String, run: Int64, rows: Int64, timeout: TimeInterval = 60, log: String? = nil) throws -> Int64 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: db),
               let file = try? SQLiteFile(db),
               let n = try? file.int("SELECT count(*) FROM activation_stats WHERE run_id = ?", [.integer(run)]), n >= rows {
                return try file.int("SELECT max(batch) FROM activation_stats WHERE run_id = ?", [.integer(run)])
            }
            usleep(20_000)
        }
        let output = log.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        throw NoRows(description: "run \(run) never reached \(rows) rows in \(timeout) s; hookd said: \(output)")
    }

    @Test func killNineAtRandomPointsNeverCorruptsOrLosesCommittedBatches() throws {
        let dir = try Scratch()
        let db = dir.path("stats.sqlite")
        let spec = try dir.syntheticSpec(batches: 20_000)
        var generator = SystemRandomNumberGenerator()
        for round in 1...20 {
            let log = dir.path("round-\(round).log")
            let process = try HookdProcess.start(["train", spec, "--db", db, "--flush-ms", "20", "--flush-rows", "50"], log: log)
            // Let some batches commit, then kill at a random moment within the next flush periods.
            let seen = try waitForRows(db, run: Int64(round), rows: Int64.random(in: 1...300, using: &generator), log: log)
            usleep(UInt32.random(in: 0...60_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            let file = try SQLiteFile(db)
            #expect(try file.text("PRAGMA integrity_check") == "ok", "round \(round)")
            let maxBatch = try file.int("SELECT max(batch) FROM activation_stats WHERE run_id = ?", [.integer(Int64(round))])
            // Everything seen committed before the kill is still there…
            #expect(maxBatch >= seen, "round \(round): had batch \(seen), now \(maxBatch)")
            // …and every hooked layer's series is gap-free from batch 0 (whole batches commit together).
            #expect(try file.gaps(run: Int64(round)) == 0, "round \(round)")
            #expect(try file.int("SELECT count(DISTINCT max_batch) FROM (SELECT max(batch) AS max_batch FROM activation_stats WHERE run_id = ? GROUP BY path)", [.integer(Int64(round))]) == 1)
        }
        #expect(try SQLiteFile(db).int("SELECT count(*) FROM runs") == 20)
    }

    @Test func sigtermFinishesTheBatchFlushesAndMarksTheRunInterrupted() throws {
        let dir = try Scratch()
        let db = dir.path("stats.sqlite")
        let process = try HookdProcess.start(["train", try dir.syntheticSpec(batches: 20_000), "--db", db, "--flush-ms", "5000"])
        _ = try waitForRows(db, run: 1, rows: 1, timeout: 60)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 1)
        let file = try SQLiteFile(db)
        #expect(try file.text("SELECT status FROM runs WHERE id = 1") == "interrupted")
        // The 5 s flush interval had not passed: rows arrive through the shutdown flush, complete.
        let batches = try file.int("SELECT count(*) FROM batch_metrics WHERE run_id = 1")
        #expect(try file.int("SELECT max(batch) FROM activation_stats WHERE run_id = 1") == batches - 1)
        #expect(try file.gaps(run: 1) == 0)
    }

    @Test(arguments: [("fail", Int32(1)), ("continue", Int32(0))])
    func aFullDiskIsAClearErrorAndNeverCorruptsTheFile(policy: String, status: Int32) throws {
        let dir = try Scratch()
        let db = dir.path("stats.sqlite")
        // RLIMIT_FSIZE makes writes past 400 KiB fail with EFBIG, as a full disk would (SIGXFSZ ignored).
        let result = try HookdProcess.run(
            ["train", try dir.syntheticSpec(batches: 3_000, hooks: #"[{"modules": "all"}]"#), "--db", db, "--on-stats-error", policy,
             "--stats-retry-seconds", "1"],
            shellPrefix: "trap '' XFSZ; ulimit -f 400")
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.lowercased().contains("full") || result.stderr.contains("disk"), "\(result.stderr)")
        let file = try SQLiteFile(db)
        #expect(try file.text("PRAGMA integrity_check") == "ok")
        #expect(try file.gaps(run: 1) == 0)
        if policy == "continue" {
            #expect(try file.int("SELECT count(*) FROM activation_stats") > 0)
        }
    }

    @Test func aFullDiskFreedMidRunLosesNoRow() throws {
        let dir = try Scratch()
        let db = dir.path("stats.sqlite")
        let log = dir.path("stderr.log")
        // A soft RLIMIT_FSIZE fills the "disk" at 400 KiB; lifting it with prlimit(2) from here is
        // the operator freeing space while hookd retries.
        let process = try HookdProcess.start(
            ["train", try dir.syntheticSpec(batches: 3_000, hooks: #"[{"modules": "all"}]"#), "--db", db, "--stats-retry-seconds", "300"],
            log: log, shellPrefix: "trap '' XFSZ; ulimit -S -f 400")
        let said = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, !said().contains("retrying"), Date() < deadline { usleep(20_000) }
        #expect(said().contains("could not commit"), "\(said())")
        // util-linux's prlimit(1): Glibc's prlimit(2) needs _GNU_SOURCE, which Swift's module lacks.
        let lift = Process()
        lift.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        lift.arguments = ["--pid", "\(process.processIdentifier)", "--fsize=unlimited:"]
        try lift.run()
        lift.waitUntilExit()
        #expect(lift.terminationStatus == 0)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said())")
        #expect(said().contains("recovered"), "\(said())")

        let file = try SQLiteFile(db)
        #expect(try file.text("SELECT status FROM runs WHERE id = 1") == "finished")
        #expect(try file.gaps(run: 1) == 0)
        // Every hooked layer has every batch: nothing was dropped while the disk was full.
        let batches = try file.int("SELECT count(*) FROM batch_metrics WHERE run_id = 1")
        #expect(batches == 3_000)
        #expect(try file.int("SELECT count(*) FROM (SELECT path FROM activation_stats WHERE run_id = 1 GROUP BY path HAVING count(*) != \(batches))") == 0)
    }
}
