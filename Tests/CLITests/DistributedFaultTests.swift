import Foundation
import Testing
import TestPorts

/// Data-parallel runs that cannot go on fail within `train.distributed.timeout_seconds`, saying
/// why, and bad launch settings are usage errors; no rank ever waits forever.
@Suite("hookd train data-parallel faults", .serialized)
struct DistributedFaultTests {
    /// A synthetic-data MLP spec whose ranks time out after `timeout` seconds.
    private func spec(_ dir: Scratch, epochs: Int = 1, timeout: Int = 10) throws -> String {
        try dir.write("spec.json", """
        {"name": "ddp-fault", "model": {"arch": "mlp", "layers": [64, 16, 4]},
         "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 256, "valid_count": 16},
         "train": {"epochs": \(epochs), "batch_size": 8, "optimizer": "sgd", "lr": 0.01, "schedule": "constant", "threads": 1,
                   "distributed": {"world_size": 2, "master": "127.0.0.1:\(FreePort.pick())", "timeout_seconds": \(timeout)}}}
        """)
    }

    @Test("kill -9 of one rank: the other exits 1 within the timeout, naming the collective that failed")
    func killedRank() throws {
        let dir = try Scratch()
        let file = try spec(dir, epochs: 100_000, timeout: 20)
        let ranks = try RankProcesses((0..<2).map { ["train", file, "--rank", "\($0)"] }, logs: dir)
        // Both train: rank 1 has finished an epoch.
        let trainingBy = Date().addingTimeInterval(120)
        while !ranks.log(1).contains("epoch 1/") && Date() < trainingBy && ranks.processes[1].isRunning { usleep(50_000) }
        #expect(ranks.log(1).contains("epoch 1/"), "\(ranks.log(1))")
        kill(ranks.processes[1].processIdentifier, SIGKILL)
        let killedAt = Date()
        let statuses = ranks.wait(timeout: 60)
        #expect(statuses[0] == 1, "\(ranks.log(0))")
        #expect(Date().timeIntervalSince(killedAt) < 20)
        #expect(ranks.log(0).contains("across 2 ranks failed on rank 0"), "\(ranks.log(0))")
    }

    @Test("a rank started with another world size: both exit 1, each saying so, within the timeout")
    func mismatchedWorldSize() throws {
        let dir = try Scratch()
        let file = try spec(dir, timeout: 5)
        let started = Date()
        let ranks = try RankProcesses([["train", file, "--rank", "0"], ["train", file, "--rank", "1", "--world-size", "3"]], logs: dir)
        let statuses = ranks.wait(timeout: 60, grace: 60)
        #expect(statuses == [1, 1], "\(ranks.log(0)) \(ranks.log(1))")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(ranks.log(1).contains("rank 1 was started with world size 3 but rank 0"), "\(ranks.log(1))")
        #expect(ranks.log(0).contains("was every rank started with world size 2"), "\(ranks.log(0))")
    }

    @Test("rank 0 on a port in use exits 1 saying the address is in use")
    func portInUse() throws {
        let dir = try Scratch()
        let file = try spec(dir, timeout: 5)
        // The first rank 0 holds the port while it waits for its rank 1.
        let ranks = try RankProcesses([["train", file, "--rank", "0"]], logs: dir)
        usleep(1_000_000)
        let second = try HookdProcess.run(["train", file, "--rank", "0"], timeout: 60)
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("rank 0 cannot host the rendezvous store on 127.0.0.1:"), "\(second.stderr)")
        #expect(second.stderr.contains("Address already in use"), "\(second.stderr)")
        #expect(ranks.wait(timeout: 60) == [1], "\(ranks.log(0))")
    }

    @Test("a master nobody hosts: rank 1 exits 1 within the timeout naming the address")
    func unreachableMaster() throws {
        let dir = try Scratch()
        let file = try spec(dir, timeout: 3)
        let started = Date()
        let result = try HookdProcess.run(["train", file, "--rank", "1"], timeout: 60)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(result.stderr.contains("cannot reach the rendezvous store of rank 0 at 127.0.0.1:"), "\(result.stderr)")
    }

    @Test("3 processes without ranks for a world size of 2: two train, the last to arrive exits 1 saying none is left")
    func oneProcessTooMany() throws {
        let dir = try Scratch()
        // Long enough that the run is still on when the last process arrives (one epoch takes
        // ~0.1 s: a process started after the others have finished would host a new run).
        let file = try spec(dir, epochs: 100, timeout: 30)
        let ranks = try RankProcesses(Array(repeating: ["train", file], count: 3), logs: dir)
        let statuses = ranks.wait(timeout: 180, grace: 150)
        let logs = (0..<3).map { ranks.log($0) }
        #expect(statuses.sorted { ($0 ?? -1) < ($1 ?? -1) } == [0, 0, 1], "\(logs)")
        guard let extra = statuses.firstIndex(of: 1) else { return }
        #expect(logs[extra].contains("no rank left for this process at 127.0.0.1:"), "\(logs)")
        #expect(logs[extra].contains("arrived as number 3 of a world size of 2"), "\(logs)")
        let trained = statuses.indices.filter { $0 != extra }
        let said = trained.map { i in ["rank 0 of 2", "rank 1 of 2"].filter { logs[i].contains("hookd train: \($0) (assigned at rendezvous)") } }
        #expect(Set(said.joined()) == ["rank 0 of 2", "rank 1 of 2"], "the two that trained are ranks 0 and 1: \(logs)")
    }

    @Test(arguments: [
        (["--rank", "0", "--master", "127.0.0.1:1234"], "need --world-size"),
        (["--world-size", "2", "--rank", "2", "--master", "127.0.0.1:1234"], "--rank 2 must be in 0..<2"),
        (["--world-size", "2", "--rank", "0"], "needs --master HOST:PORT"),
        (["--world-size", "2", "--rank", "0", "--master", "127.0.0.1:99999"], "--master must be HOST:PORT"),
        (["--world-size", "0", "--rank", "0", "--master", "127.0.0.1:1234"], "--world-size must be at least 1"),
    ])
    func badLaunchIsAUsageError(arguments: [String], message: String) throws {
        let dir = try Scratch()
        let result = try HookdProcess.run(["train", try dir.syntheticSpec(batches: 2)] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test(arguments: [
        (#"{"world_size": 2}"#, "$.train.distributed.master"),
        (#"{"world_size": 2, "master": "nohost"}"#, "$.train.distributed.master"),
        (#"{"world_size": 2, "master": "h:1", "rank": 2}"#, "$.train.distributed.rank"),
        (#"{"world_size": 2, "master": "h:1", "timeout_seconds": 0}"#, "$.train.distributed.timeout_seconds"),
        (#"{"world_size": 2, "master": "h:1", "ranks": 1}"#, "$.train.distributed.ranks"),
    ])
    func badDistributedSpecNamesTheJSONPath(distributed: String, path: String) throws {
        let dir = try Scratch()
        let file = try dir.write("spec.json", """
        {"model": {"arch": "mlp", "layers": [64, 4]}, "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4},
         "train": {"distributed": \(distributed)}}
        """)
        let result = try HookdProcess.run(["train", file])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(path), "\(result.stderr)")
    }
}
