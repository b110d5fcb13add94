import Foundation
import Testing
import TestPorts

/// `hookd train --world-size N --rank R --master HOST:PORT` against PyTorch's own
/// DistributedDataParallel over gloo (scripts/ddp_peer.py, Debian's python3-torch): the same MLP,
/// initial weights (rank 0's; the other ranks start elsewhere and take them by broadcast), data,
/// per-epoch order and per-rank batch size give the same per-step losses on every rank and the
/// same final parameters.
@Suite("hookd train data-parallel equals PyTorch DDP", .serialized)
struct DistributedTests {
    static let python = "/usr/bin/python3"
    static let peer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/ddp_peer.py").path
    static let torchAvailable = (try? runPeer(["-c", "import torch.distributed"], script: false)) != nil
    static let skipReason: Comment = "needs /usr/bin/python3 with python3-torch (scripts/setup.sh installs it)"

    static let images = 301  // odd: DistributedSampler pads every epoch
    static let layers = "64,32,10"

    @Test("2 and 3 ranks: per-step losses of every rank and final parameters within 1e-4 of DDP over 100+ steps",
          .enabled(if: torchAvailable, skipReason), arguments: [2, 3])
    func equalsDDP(worldSize: Int) throws {
        let run = try Fixture(epochs: Self.epochs(forSteps: 100, worldSize: worldSize))
        let master = "127.0.0.1:\(FreePort.pick())"
        let ranks = try RankProcesses((0..<worldSize).map { rank in
            ["train", rank == 0 ? run.spec : run.specWithoutWeights, "--world-size", "\(worldSize)", "--rank", "\(rank)",
             "--master", master, "--db", run.dir.path("rank\(rank).sqlite"), "--save-weights", run.dir.path("rank\(rank).pt")]
        }, logs: run.dir)
        let statuses = ranks.wait(timeout: 300)
        for rank in 0..<worldSize { #expect(statuses[rank] == 0, "rank \(rank): \(ranks.log(rank))") }
        guard statuses.allSatisfy({ $0 == 0 }) else { return }

        let reference = try run.ddp(worldSize: worldSize)
        let expectedSteps = Self.steps(worldSize: worldSize) * run.epochs
        #expect(expectedSteps >= 100)
        for rank in 0..<worldSize {
            let losses = try Self.losses(run.dir.path("rank\(rank).sqlite"), rank: rank)
            #expect(losses.count == expectedSteps)
            #expect(reference.losses[rank].count == expectedSteps)
            expectClose(losses, reference.losses[rank], "rank \(rank) losses")
            // Rank 0's file holds every rank's losses, gathered over the process group.
            #expect(try Self.losses(run.dir.path("rank0.sqlite"), rank: rank) == losses, "rank \(rank)'s losses in rank 0's file")
        }
        let weights = try (0..<worldSize).map { try run.dump(run.dir.path("rank\($0).pt")) }
        for rank in 1..<worldSize { #expect(weights[rank] == weights[0], "rank \(rank) ends with rank 0's parameters") }
        #expect(Set(weights[0].keys) == Set(reference.params.keys))
        for (name, values) in reference.params { expectClose(weights[0][name] ?? [], values, "parameter \(name)") }
        // Training moved the parameters: equal final values are not just the shared start.
        #expect(try run.dump(run.initialWeights) != weights[0])
    }

    @Test("world size 1 trains exactly as a plain hookd train", .enabled(if: torchAvailable, skipReason))
    func worldSizeOneIsPlain() throws {
        let run = try Fixture(epochs: 2)
        let plain = try HookdProcess.run(["train", run.spec, "--db", run.dir.path("plain.sqlite"), "--save-weights", run.dir.path("plain.pt")])
        #expect(plain.status == 0, "\(plain.stderr)")
        let single = try HookdProcess.run(["train", run.spec, "--world-size", "1", "--rank", "0", "--master", "127.0.0.1:\(FreePort.pick())",
                                           "--db", run.dir.path("single.sqlite"), "--save-weights", run.dir.path("single.pt")])
        #expect(single.status == 0, "\(single.stderr)")
        let losses = try Self.losses(run.dir.path("plain.sqlite"))
        #expect(losses.count == Self.steps(worldSize: 1) * 2)
        #expect(try Self.losses(run.dir.path("single.sqlite")) == losses)
        #expect(try run.dump(run.dir.path("single.pt")) == run.dump(run.dir.path("plain.pt")))
    }

    @Test("torchrun's variables launch a rank as the flags do", .enabled(if: torchAvailable, skipReason))
    func environmentLaunch() throws {
        let run = try Fixture(epochs: 1)
        let port = FreePort.pick()
        let ranks = try RankProcesses((0..<2).map { rank in
            ["train", run.spec, "--db", run.dir.path("rank\(rank).sqlite"), "--save-weights", run.dir.path("rank\(rank).pt")]
        }, logs: run.dir, shellPrefix: { rank in "export WORLD_SIZE=2 RANK=\(rank) MASTER_ADDR=127.0.0.1 MASTER_PORT=\(port)" })
        let statuses = ranks.wait(timeout: 120)
        #expect(statuses == [0, 0], "\(ranks.log(0)) \(ranks.log(1))")
        #expect(try Self.losses(run.dir.path("rank0.sqlite")).count == Self.steps(worldSize: 2))
        #expect(try run.dump(run.dir.path("rank1.pt")) == run.dump(run.dir.path("rank0.pt")))
    }

    @Test("2 and 3 processes without --rank: ranks assigned at rendezvous, each says its own, trained as the ranked run",
          .enabled(if: torchAvailable, skipReason), arguments: [2, 3])
    func ranksAssignedAtRendezvous(worldSize: Int) throws {
        let run = try Fixture(epochs: 1)
        // Every process gets the same arguments (rank 0's spec); only the files differ.
        func launch(_ name: String, ranked: Bool) throws -> [Int: String] {
            let logs = try Scratch()
            let master = "127.0.0.1:\(FreePort.pick())"
            let ranks = try RankProcesses((0..<worldSize).map { i in
                ["train", run.spec, "--world-size", "\(worldSize)", "--master", master, "--db", run.dir.path("\(name)\(i).sqlite")]
                    + (ranked ? ["--rank", "\(i)"] : [])
            }, logs: logs)
            let statuses = ranks.wait(timeout: 300)
            #expect(statuses.allSatisfy { $0 == 0 }, "\((0..<worldSize).map(ranks.log))")
            // Which rank each process was, from what it says.
            var dbByRank: [Int: String] = [:]
            for i in 0..<worldSize {
                let said = (0..<worldSize).filter { ranks.log(i).contains("hookd train: rank \($0) of \(worldSize)\(ranked ? "" : " (assigned at rendezvous)")") }
                #expect(said.count == 1, "process \(i): \(ranks.log(i))")
                if let rank = said.first { dbByRank[rank] = run.dir.path("\(name)\(i).sqlite") }
            }
            return dbByRank
        }
        let ranked = try launch("ranked", ranked: true)
        let assigned = try launch("assigned", ranked: false)
        #expect(Set(assigned.keys) == Set(0..<worldSize))
        for rank in 0..<worldSize {
            guard let a = assigned[rank], let r = ranked[rank] else { continue }
            let losses = try Self.losses(r)
            #expect(losses.count == Self.steps(worldSize: worldSize))
            #expect(try Self.losses(a) == losses, "rank \(rank)")
        }
    }

    @Test("two hosts: rank 0 and rank 1 in two network namespaces joined by a veth pair train as on 127.0.0.1",
          .enabled(if: torchAvailable, skipReason), .enabled(if: TwoHosts.unavailable == nil, "\(TwoHosts.unavailable ?? "")"))
    func twoHosts() throws {
        let run = try Fixture(epochs: 1)
        let hosts = try TwoHosts()
        func train(_ name: String, master: String, launcher: @escaping (Int) -> [String]) throws -> [(losses: [Double], weights: [String: [Double]])] {
            let logs = try Scratch()
            let ranks = try RankProcesses((0..<2).map { rank in
                ["train", rank == 0 ? run.spec : run.specWithoutWeights, "--world-size", "2", "--rank", "\(rank)", "--master", master,
                 "--db", run.dir.path("\(name)\(rank).sqlite"), "--save-weights", run.dir.path("\(name)\(rank).pt")]
            }, logs: logs, launcher: launcher)
            let statuses = ranks.wait(timeout: 300)
            #expect(statuses == [0, 0], "\(name): \(ranks.log(0)) \(ranks.log(1))")
            guard statuses == [0, 0] else { return [] }
            return try (0..<2).map { (try Self.losses(run.dir.path("\(name)\($0).sqlite")), try run.dump(run.dir.path("\(name)\($0).pt"))) }
        }
        let apart = try train("veth", master: "\(TwoHosts.addresses[.a]!):\(FreePort.pick())") { hosts.launcher(for: $0 == 0 ? .a : .b) }
        let together = try train("loopback", master: "127.0.0.1:\(FreePort.pick())") { _ in [] }
        guard apart.count == 2, together.count == 2 else { return }
        for rank in 0..<2 {
            #expect(apart[rank].losses.count == Self.steps(worldSize: 2))
            #expect(apart[rank].losses == together[rank].losses, "rank \(rank) losses")
            #expect(apart[rank].weights == together[rank].weights, "rank \(rank) parameters")
        }
    }

    @Test("two hosts without ranks: the process on the master's host is rank 0 though the other started first",
          .enabled(if: torchAvailable, skipReason), .enabled(if: TwoHosts.unavailable == nil, "\(TwoHosts.unavailable ?? "")"))
    func twoHostsAssignRanks() throws {
        let run = try Fixture(epochs: 1)
        let hosts = try TwoHosts()
        let master = "\(TwoHosts.addresses[.a]!):\(FreePort.pick())"
        // Process 0 on b, process 1 on a a second later: b must not host the store (10.77.0.1 is
        // not its address), so it waits for a as a client.
        let ranks = try RankProcesses((0..<2).map { i in
            ["train", run.spec, "--world-size", "2", "--master", master, "--db", run.dir.path("process\(i).sqlite")]
        }, logs: run.dir, shellPrefix: { $0 == 1 ? "sleep 1" : nil }, launcher: { hosts.launcher(for: $0 == 0 ? .b : .a) })
        #expect(ranks.wait(timeout: 300) == [0, 0], "\(ranks.log(0)) \(ranks.log(1))")
        #expect(ranks.log(0).contains("hookd train: rank 1 of 2 (assigned at rendezvous), master \(master)"), "\(ranks.log(0))")
        #expect(ranks.log(1).contains("hookd train: rank 0 of 2 (assigned at rendezvous), master \(master)"), "\(ranks.log(1))")
        #expect(try Self.losses(run.dir.path("process0.sqlite")).count == Self.steps(worldSize: 2))
    }

    /// Batches each rank trains per epoch: ceil(ceil(images / world size) / 8).
    static func steps(worldSize: Int) -> Int { ((images + worldSize - 1) / worldSize + 7) / 8 }

    static func epochs(forSteps steps: Int, worldSize: Int) -> Int { (steps + Self.steps(worldSize: worldSize) - 1) / Self.steps(worldSize: worldSize) }

    /// The per-step training losses of rank `rank` in a stats file, in step order
    /// (nil: the file's own rank, `runs.rank`).
    static func losses(_ db: String, rank: Int? = nil) throws -> [Double] {
        let rank = rank.map(String.init) ?? "(SELECT rank FROM runs ORDER BY id DESC LIMIT 1)"
        let text = try SQLiteFile(db).text("""
            SELECT group_concat(printf('%.17g', loss), ',') FROM (SELECT loss FROM batch_metrics WHERE rank = \(rank) ORDER BY batch)
            """)
        return text.split(separator: ",").compactMap { Double($0) }
    }

    static func runPeer(_ arguments: [String], script: Bool = true) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = (script ? [peer] : []) + arguments
        let result = try HookdProcess.collect(process, timeout: 300)
        guard result.status == 0 else { throw PeerFailure(arguments: arguments, stderr: result.stderr) }
        return Data(result.stdout.utf8)
    }

    struct PeerFailure: Error, CustomStringConvertible {
        let arguments: [String]
        let stderr: String
        var description: String { "ddp_peer.py \(arguments.joined(separator: " ")) failed: \(stderr)" }
    }

    /// One comparison's files: IDX data, the initial weights (PyTorch's), and the specs.
    struct Fixture {
        let dir: Scratch
        let epochs: Int
        let initialWeights: String
        let spec: String
        let specWithoutWeights: String

        init(epochs: Int) throws {
            dir = try Scratch()
            self.epochs = epochs
            try IDXWriter.write(images: DistributedTests.images, side: 8, to: dir.url.path)
            initialWeights = dir.path("init.pt")
            _ = try DistributedTests.runPeer(["init", initialWeights, "--layers", DistributedTests.layers])
            let (data, epochs) = (dir.url.path, epochs)
            func specText(weights: String) -> String {
                """
                {"name": "ddp", "model": {"arch": "mlp", "layers": [64, 32, 10]\(weights)},
                 "data": {"format": "idx", "path": "\(data)"},
                 "train": {"epochs": \(epochs), "batch_size": 8, "optimizer": "sgd", "lr": 0.05, "momentum": 0.9,
                           "schedule": "constant", "seed": 42, "threads": 1}}
                """
            }
            let weights = #", "weights": "\#(initialWeights)""#
            spec = try dir.write("rank0.json", specText(weights: weights))
            specWithoutWeights = try dir.write("others.json", specText(weights: ""))
        }

        /// PyTorch DDP over gloo on the same data and start.
        func ddp(worldSize: Int) throws -> (losses: [[Double]], params: [String: [Double]]) {
            let data = try DistributedTests.runPeer([
                "train", "--data", dir.url.path, "--layers", DistributedTests.layers, "--init", initialWeights,
                "--world-size", "\(worldSize)", "--port", "\(FreePort.pick())", "--epochs", "\(epochs)",
                "--batch-size", "8", "--lr", "0.05", "--momentum", "0.9", "--seed", "42",
            ])
            struct Output: Decodable { var losses: [[Double]]; var params: [String: [Double]] }
            let output = try JSONDecoder().decode(Output.self, from: data)
            return (output.losses, output.params)
        }

        /// A state_dict file's tensors, flattened, read by torch.load.
        func dump(_ file: String) throws -> [String: [Double]] {
            try JSONDecoder().decode([String: [Double]].self, from: DistributedTests.runPeer(["dump", file]))
        }
    }
}

/// Every pair within 1e-4 relative (1e-6 absolute near zero), reporting the worst one.
func expectClose(_ actual: [Double], _ expected: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    let worst = zip(actual, expected).enumerated().max { a, b in
        abs(a.element.0 - a.element.1) < abs(b.element.0 - b.element.1)
    }
    guard let worst else { return }
    let (a, e) = worst.element
    #expect(abs(a - e) <= 1e-4 * abs(e) + 1e-6, "\(what)[\(worst.offset)]: \(a), PyTorch DDP \(e)", sourceLocation: sourceLocation)
}
