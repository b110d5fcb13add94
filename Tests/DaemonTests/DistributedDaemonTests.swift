import Foundation
import StatsStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Data-parallel runs through the daemon (SPEC.md §4): real `hookd serve` processes on 127.0.0.1,
/// each taking `POST /runs` with its rank, trained over c10d Gloo, compared step by step with
/// `hookd train`'s ranks on the same specs.
@Suite(.serialized) struct DistributedDaemonTests {
    /// Two daemons, one rank each.
    private struct Pair {
        let fixtures: [DaemonFixture]
        var daemons: [DaemonProcess]

        init(training: String = "", flushMs: Int = 50) throws {
            fixtures = try (0..<2).map { _ in try DaemonFixture(training: training, flushMs: flushMs) }
            daemons = try fixtures.map { try $0.start() }
        }

        /// Posts rank `r`'s spec to daemon `r`; returns the run ids.
        func submit(_ spec: (Int) -> String) throws -> [Int] {
            try daemons.enumerated().map { rank, daemon in try daemon.submit(spec(rank)) }
        }

        func losses(_ ids: [Int]) throws -> [[Double]] {
            try ids.indices.map { try CommandLineRanks.losses(database: fixtures[$0].databasePath, run: ids[$0]) }
        }
    }

    /// The resumed runs: 3 epochs of 100 batches per rank, checkpoints every 25.
    private static let resumedEpochs = 3, resumedSteps = 300

    /// Each rank's per-step losses of the resumed runs' spec, trained without a stop by `hookd train`.
    private static func uninterruptedLosses() throws -> [[Double]] {
        let master = "127.0.0.1:\(DaemonProcess.freePort())"
        let losses = try CommandLineRanks.losses((0..<2).map {
            Specs.dataParallel(rank: $0, master: master, epochs: resumedEpochs, trainCount: 1600)
        }, in: try TempDirectory())
        #expect(losses.allSatisfy { $0.count == resumedSteps })
        return losses
    }

    /// Two daemons training the resumed runs' spec, past their second checkpoint; `flushMs` is
    /// also how often rank 0 gathers the others' rows at least.
    private static func startRunToResume(timeout: Int, flushMs: Int = 50) throws -> (Pair, [Int]) {
        let master = "127.0.0.1:\(DaemonProcess.freePort())"
        let pair = try Pair(training: #""checkpoint_every_batches": 25"#, flushMs: flushMs)
        let ids = try pair.submit {
            Specs.dataParallel(rank: $0, master: master, epochs: resumedEpochs, trainCount: 1600, timeout: timeout)
        }
        try pair.daemons[0].waitForRun(ids[0]) { ($0["global_batch"] as? Int ?? 0) >= 60 }
        return (pair, ids)
    }

    @Test func twoDaemonsTrainAsHookdTrainsRanks() throws {
        let cliMaster = "127.0.0.1:\(DaemonProcess.freePort())"
        let reference = try CommandLineRanks.losses((0..<2).map { Specs.dataParallel(rank: $0, master: cliMaster, epochs: 2) },
                                                    in: try TempDirectory())
        let master = "127.0.0.1:\(DaemonProcess.freePort())"
        let pair = try Pair()
        let ids = try pair.submit { Specs.dataParallel(rank: $0, master: master, epochs: 2) }
        for (rank, daemon) in pair.daemons.enumerated() {
            let run = try daemon.waitForRun(ids[rank], timeout: 120) { $0["status"] as? String == "finished" }
            #expect(run["world_size"] as? Int == 2)
            #expect(run["rank"] as? Int == rank)
        }
        let losses = try pair.losses(ids)
        #expect(reference[0].count == 2 * 16)
        for rank in 0..<2 { expectClose(losses[rank], reference[rank], "rank \(rank) losses") }
        // Rank 0's file holds rank 1's rows too, gathered over the process group, and serves them.
        let gathered = try StatsReader(path: pair.fixtures[0].databasePath).batchMetrics(run: Int64(ids[0]), rank: 1).map(\.loss)
        #expect(gathered == losses[1])
        let served = try pair.daemons[0].client.get("/runs/\(ids[0])/batches?rank=1").json["loss"] as? [Double]
        expectClose(served ?? [], losses[1], "rank 1's losses served by rank 0's daemon")
        // Checkpoints are rank 0's alone.
        #expect(try pair.daemons[0].client.get("/runs/\(ids[0])").json["checkpoint"] is String)
        #expect(try pair.daemons[1].client.get("/runs/\(ids[1])").json["checkpoint"] is NSNull)
        let rank1Checkpoint = pair.fixtures[1].directory.path("state/runs/\(ids[1])/checkpoint.ckpt")
        #expect(!FileManager.default.fileExists(atPath: rank1Checkpoint))
        #expect(try pair.daemons[0].client.get("/runs/\(ids[0])/weights").status == 200)
        let weights = try pair.daemons[1].client.get("/runs/\(ids[1])/weights")
        #expect(weights.status == 409 && weights.text.contains("rank 0's daemon keeps its checkpoint"), "\(weights.text)")
        // A run that trains alone is rank 0 of 1.
        let alone = try pair.daemons[0].submit(Specs.synthetic(name: "alone", batches: 2))
        let run = try pair.daemons[0].waitForRun(alone) { $0["status"] as? String == "finished" }
        #expect(run["world_size"] as? Int == 1)
        #expect(run["rank"] as? Int == 0)
    }

    /// kill -9 of rank 1's daemon fails the run on rank 0's within `timeout_seconds`, which then
    /// trains its next run; rank 1's daemon, restarted, resumes its run (left `running`), finds
    /// no peer and fails it within the timeout too.
    @Test func killNineOfOneDaemonFailsTheRunOnTheOtherWithinTheTimeout() throws {
        let master = "127.0.0.1:\(DaemonProcess.freePort())"
        var pair = try Pair()
        let ids = try pair.submit { Specs.dataParallel(rank: $0, master: master, epochs: 100_000, timeout: 8) }
        try pair.daemons[1].waitForRun(ids[1]) { ($0["global_batch"] as? Int ?? 0) >= 20 }
        #expect(pair.daemons[1].stop(signal: SIGKILL) == -SIGKILL)
        let killedAt = Date()
        let run = try pair.daemons[0].waitForRun(ids[0], timeout: 30) { $0["status"] as? String == "failed" }
        #expect(Date().timeIntervalSince(killedAt) < 8, "failed within timeout_seconds")
        let error = run["error"] as? String ?? ""
        #expect(error.contains("ranks failed on rank 0"), "\(error)")
        let health = try pair.daemons[0].client.get("/health")
        #expect(health.status == 200 && health.json["status"] as? String == "ok", "\(health.text)")
        let next = try pair.daemons[0].submit(Specs.synthetic(name: "next", batches: 4))
        try pair.daemons[0].waitForRun(next) { $0["status"] as? String == "finished" }

        pair.daemons[1] = try pair.fixtures[1].start()
        let restarted = Date()
        let orphan = try pair.daemons[1].waitForRun(ids[1], timeout: 30) { $0["status"] as? String == "failed" }
        #expect(Date().timeIntervalSince(restarted) < 20)
        #expect((orphan["error"] as? String ?? "").contains("rendezvous"), "\(orphan)")
    }

    /// Specs without a rank: the rendezvous assigns them (0 to the daemon that hosts the store),
    /// each daemon's run says which it got, and the one that got 0 holds both ranks' rows.
    @Test func ranksOmittedFromTheSpecsAreAssignedAtTheRendezvous() throws {
        let master = "127.0.0.1:\(DaemonProcess.freePort())"
        let pair = try Pair()
        let spec = Specs.dataParallel(rank: 0, master: master, epochs: 1).replacingOccurrences(of: #""rank":0,"#, with: "")
        #expect(!spec.contains(#""rank""#))
        // Until the rendezvous has told, a daemon does not know its rank.
        let first = try pair.daemons[0].submit(spec)
        let waiting = try pair.daemons[0].waitForRun(first) { $0["phase"] as? String == "rendezvous" }
        #expect(waiting["rank"] is NSNull, "\(waiting)")
        let ids = [first, try pair.daemons[1].submit(spec)]
        let runs = try pair.daemons.enumerated().map { index, daemon in
            try daemon.waitForRun(ids[index], timeout: 120) { $0["status"] as? String == "finished" }
        }
        let ranks = runs.map { $0["rank"] as? Int ?? -1 }
        #expect(Set(ranks) == [0, 1], "\(runs)")
        guard let zero = ranks.firstIndex(of: 0), let one = ranks.firstIndex(of: 1) else { return }
        let gathered = try StatsReader(path: pair.fixtures[zero].databasePath).batchMetrics(run: Int64(ids[zero]), rank: 1).map(\.loss)
        let losses = try pair.losses(ids)
        #expect(!gathered.isEmpty && gathered == losses[one])
        #expect(pair.daemons[one].log.contains("joined as rank 1"), "\(pair.daemons[one].log)")
    }

    /// A cancel on rank 1's daemon stops both ranks after the same batch, and both runs end
    /// `cancelled` (the ranks agree on the stop and on its kind at every batch boundary).
    @Test func aCancelOnOneDaemonCancelsTheRunOnBoth() throws {
        let master = "127.0.0.1:\(DaemonProcess.freePort())"
        let pair = try Pair()
        let ids = try pair.submit { Specs.dataParallel(rank: $0, master: master, epochs: 100_000, timeout: 30) }
        try pair.daemons[1].waitForRun(ids[1]) { ($0["global_batch"] as? Int ?? 0) >= 20 }
        #expect(try pair.daemons[1].client.delete("/runs/\(ids[1])").status == 202)
        for (rank, daemon) in pair.daemons.enumerated() {
            let run = try daemon.waitForRun(ids[rank], timeout: 20) { ["cancelled", "failed"].contains($0["status"] as? String ?? "") }
            #expect(run["status"] as? String == "cancelled", "rank \(rank): \(run)")
        }
        let last = try (0..<2).map { try StatsReader(path: pair.fixtures[$0].databasePath).batchMetrics(run: Int64(ids[$0])).last?.batch }
        #expect(last[0] != nil && last[0] == last[1], "both ranks stopped after batch \(String(describing: last))")
    }

    /// SIGTERM of both daemons leaves the run `interrupted` on both (rank 0 checkpointed; rank 1,
    /// whose collective may fail first, too); restarted, rank 0 restores its checkpoint and rank 1
    /// takes rank 0's weights, Adam moments, step count and position: every step's loss then is
    /// that of an uninterrupted run.
    @Test func restartingBothDaemonsResumesAsIfNeverStopped() throws {
        let steps = Self.resumedSteps
        let reference = try Self.uninterruptedLosses()
        let (started, ids) = try Self.startRunToResume(timeout: 60)
        var pair = started
        for daemon in pair.daemons { kill(daemon.process.processIdentifier, SIGTERM) }
        for daemon in pair.daemons { #expect(daemon.stop(signal: SIGTERM) == 0, "\(daemon.log)") }
        for rank in 0..<2 {
            let status = try StatsReader(path: pair.fixtures[rank].databasePath).run(Int64(ids[rank])).status
            #expect(status == .interrupted, "rank \(rank): \(pair.daemons[rank].log)")
        }

        pair.daemons = try pair.fixtures.map { try $0.start() }
        for (rank, daemon) in pair.daemons.enumerated() {
            try daemon.waitForRun(ids[rank], timeout: 120) { $0["status"] as? String == "finished" }
        }
        let resumedAt = pair.daemons[0].resumedBatch(run: ids[0])
        #expect(resumedAt >= 50 && resumedAt < steps, "rank 0 resumed mid-run, at \(resumedAt)")
        #expect(pair.daemons[1].resumedBatch(run: ids[1]) == resumedAt, "rank 1 resumed where rank 0 did")
        #expect(pair.daemons[1].log.contains("from rank 0's checkpoint"))
        let losses = try pair.losses(ids)
        for rank in 0..<2 { expectClose(losses[rank], reference[rank], "rank \(rank) losses after the resume") }
    }

    /// kill -9 of rank 1 fails the run on rank 0; restarting rank 1's daemon (which resumes its
    /// run, left `running`) and resuming the failed run on rank 0's (`POST /runs/{id}/resume`)
    /// goes on from rank 0's last checkpoint, every step's loss that of an uninterrupted run.
    @Test func afterAKillNineRestartingEveryRankResumesFromRankZerosCheckpoint() throws {
        let steps = Self.resumedSteps
        let reference = try Self.uninterruptedLosses()
        // No gathers for time's sake: rank 1's rows reach rank 0 only when a checkpoint asks.
        let (started, ids) = try Self.startRunToResume(timeout: 20, flushMs: 60_000)
        var pair = started
        #expect(pair.daemons[1].stop(signal: SIGKILL) == -SIGKILL)
        try pair.daemons[0].waitForRun(ids[0], timeout: 30) { $0["status"] as? String == "failed" }

        pair.daemons[1] = try pair.fixtures[1].start()
        let resume = try pair.daemons[0].client.post("/runs/\(ids[0])/resume", json: "")
        #expect(resume.status == 202, "\(resume.text)")
        for (rank, daemon) in pair.daemons.enumerated() {
            let run = try daemon.waitForRun(ids[rank], timeout: 120) { ["finished", "failed"].contains($0["status"] as? String ?? "") }
            #expect(run["status"] as? String == "finished" && run["error"] is NSNull, "rank \(rank): \(run)")
        }
        let resumedAt = pair.daemons[0].resumedBatch(run: ids[0])
        // A periodic checkpoint waits for the ranks to gather their rows: up to two batches.
        #expect(resumedAt >= 50 && resumedAt % 25 <= 2 && resumedAt < steps, "rank 0 resumed at a checkpoint, at \(resumedAt)")
        #expect(pair.daemons[1].resumedBatch(run: ids[1]) == resumedAt, "rank 1 resumed where rank 0 did")
        // Rank 0's file is the record: the killed rank's own file lost what it had not committed.
        let rankZero = try StatsReader(path: pair.fixtures[0].databasePath)
        for rank in 0..<2 {
            let losses = try rankZero.batchMetrics(run: Int64(ids[0]), rank: Int64(rank)).map(\.loss)
            expectClose(losses, reference[rank], "rank \(rank) losses after the resume, in rank 0's file")
        }
    }

    @Test func aFailedRendezvousFailsTheRunAndTheDaemonTakesTheNext() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        // The daemon's own HTTP port: rank 0 cannot host the store there.
        let inUse = try daemon.submit(Specs.dataParallel(rank: 0, master: "127.0.0.1:\(fixture.port)", epochs: 1, timeout: 5))
        var run = try daemon.waitForRun(inUse, timeout: 30) { $0["status"] as? String == "failed" }
        #expect((run["error"] as? String ?? "").contains("Address already in use"), "\(run)")
        let nobody = try daemon.submit(Specs.dataParallel(rank: 1, master: "127.0.0.1:\(DaemonProcess.freePort())", epochs: 1, timeout: 3))
        run = try daemon.waitForRun(nobody, timeout: 30) { $0["status"] as? String == "failed" }
        #expect((run["error"] as? String ?? "").contains("cannot reach the rendezvous store of rank 0 at 127.0.0.1:"), "\(run)")
        let next = try daemon.submit(Specs.synthetic(name: "next", batches: 4))
        try daemon.waitForRun(next) { $0["status"] as? String == "finished" }
    }

    /// The rendezvous cannot be abandoned: a cancel or SIGTERM takes effect when it times out,
    /// and neither keeps the daemon past `timeout_seconds`.
    @Test func cancelOrSIGTERMDuringTheRendezvousEndsWithinTheTimeout() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        let spec = Specs.dataParallel(rank: 1, master: "127.0.0.1:\(DaemonProcess.freePort())", epochs: 1, timeout: 4)
        let cancelled = try daemon.submit(spec)
        try daemon.waitForRun(cancelled) { $0["phase"] as? String == "rendezvous" }
        let started = Date()
        #expect(try daemon.client.delete("/runs/\(cancelled)").status == 202)
        try daemon.waitForRun(cancelled, timeout: 20) { $0["status"] as? String == "cancelled" }
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(try daemon.client.get("/health").status == 200)

        let interrupted = try daemon.submit(spec)
        try daemon.waitForRun(interrupted) { $0["phase"] as? String == "rendezvous" }
        let stopping = Date()
        #expect(daemon.stop(signal: SIGTERM, timeout: 20) == 0, "\(daemon.log)")
        #expect(Date().timeIntervalSince(stopping) < 10)
        // Left for the next start to resume, as any run a shutdown stopped.
        #expect(try StatsReader(path: fixture.databasePath).run(Int64(interrupted)).status == .interrupted)
    }

    /// Waiting for peers is not a hang: under a watchdog of 0.4 s (pings only within 0.2 s of
    /// progress) the daemon keeps pinging while its rendezvous waits out `timeout_seconds`.
    @Test func theRendezvousKeepsFeedingTheWatchdog() throws {
        let fixture = try DaemonFixture()
        let socketPath = fixture.directory.path("notify")
        let listener = try SystemdTests.Listener(socketPath)
        let daemon = try fixture.start(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "400000"])
        defer { daemon.stop() }
        let id = try daemon.submit(Specs.dataParallel(rank: 1, master: "127.0.0.1:\(DaemonProcess.freePort())", epochs: 1, timeout: 6))
        try daemon.waitForRun(id) { $0["phase"] as? String == "rendezvous" }
        usleep(300_000)  // past the pings the phase change itself allowed
        var buffer = [UInt8](repeating: 0, count: 4096)
        while recv(listener.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 {}
        var pings = 0
        let until = Date().addingTimeInterval(2.5)
        while Date() < until, let message = listener.receive() { if message == "WATCHDOG=1" { pings += 1 } }
        #expect(pings >= 2, "\(pings) watchdog pings in 2.5 s of rendezvous")
        #expect(try daemon.client.get("/runs/\(id)").json["phase"] as? String == "rendezvous")
    }
}

/// Every pair within 1e-4 relative (1e-6 absolute near zero), reporting the worst one.
private func expectClose(_ actual: [Double], _ expected: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    let worst = zip(actual, expected).enumerated().max { abs($0.element.0 - $0.element.1) < abs($1.element.0 - $1.element.1) }
    guard let worst else { return }
    let (a, e) = worst.element
    #expect(abs(a - e) <= 1e-4 * abs(e) + 1e-6, "\(what)[\(worst.offset)]: \(a), expected \(e)", sourceLocation: sourceLocation)
}
