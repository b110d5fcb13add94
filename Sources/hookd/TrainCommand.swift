import ArgumentParser
import Daemon
import Foundation
import HookKit
import Platform
import StatsStore
import Torch

/// `hookd train SPEC.json [--db FILE] [--world-size N --rank R --master HOST:PORT]`: one run (or
/// one rank of a data-parallel run) in the foreground.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one run spec in the foreground, recording activation statistics."
    )

    @Argument(help: "The run spec (JSON, see SPEC.md §4).")
    var spec: String

    @Option(help: "SQLite stats file to record into (created if missing).")
    var db: String?

    @Option(help: "Intra-op threads (default: the spec's, else online cores).")
    var threads: Int?

    @Flag(help: "Print the epoch metrics as JSON lines on stdout.")
    var json = false

    @Option(help: "Commit stats after this many rows…")
    var flushRows = 1000

    @Option(help: "…or after this many milliseconds, whichever comes first.")
    var flushMs = 250

    @Option(help: "When the stats file cannot be written (disk full): fail the run, or continue without stats.")
    var onStatsError: StatsErrorPolicy = .failRun

    @Option(help: "How long to keep retrying a stats write that failed for a reason that may pass (disk full) before --on-stats-error applies; 0 = not at all.")
    var statsRetrySeconds = 30

    @Option(help: "Data-parallel: ranks in the run (also WORLD_SIZE, or train.distributed.world_size).")
    var worldSize: Int?

    @Option(help: "Data-parallel: this process's rank, 0..<world size (also RANK); omitted, it is assigned at the rendezvous.")
    var rank: Int?

    @Option(help: "Data-parallel: HOST:PORT where rank 0 hosts the rendezvous store (also MASTER_ADDR and MASTER_PORT).")
    var master: String?

    @Option(help: "Write the trained model's state_dict here at the end (torch.load reads it).")
    var saveWeights: String?

    @Option(help: "Stop after this many training batches (smoke runs, benchmarks).")
    var maxBatches: Int?

    @Option(help: "Benchmark: print one JSON line in bench/'s peer format under this name.")
    var benchName: String?

    @Option(help: "Benchmark: switch the stats hooks on and off every N batches and report their overhead.")
    var hooksAB: Int?

    @Option(help: "Benchmark: switch recording into --db on and off every N batches and report its overhead.")
    var storeAB: Int?

    @Option(help: "Benchmark: switch the training-health rules on and off every N batches (needs --db) and report their overhead.")
    var healthAB: Int?

    @Option(help: "Benchmark (data-parallel): switch every N batches between carrying the ranks' per-batch agreement on the next batch's gradients and waiting for it at once, and report what carrying it saves.")
    var syncAB: Int?

    @Option(help: "Benchmark (world size 2): switch every N batches between the ranks exchanging their gradient buckets and Gloo's ring all-reduce, and report what the exchange saves.")
    var reduceAB: Int?

    func validate() throws {
        guard healthAB == nil || db != nil else {
            throw ValidationError("--health-ab needs --db (the rules judge the recorded batches)")
        }
        guard [hooksAB, storeAB, healthAB, syncAB, reduceAB].compactMap({ $0 }).count <= 1 else {
            throw ValidationError("--hooks-ab, --store-ab, --health-ab, --sync-ab and --reduce-ab are one A/B each; give one")
        }
        guard (0...3600).contains(statsRetrySeconds) else {
            throw ValidationError("--stats-retry-seconds must be between 0 and 3600, not \(statsRetrySeconds)")
        }
    }

    func run() throws {
        do {
            let runSpec = try RunSpec.load(path: spec)
            let launch = DistributedLaunch(worldSize: worldSize, rank: rank, master: master)
            let group = try launch.resolve(runSpec.train.distributed).map { d in
                let group = try ProcessGroup(master: d.master, rank: d.rank, worldSize: d.worldSize, timeout: d.timeoutSeconds)
                let how = d.rank == nil ? " (assigned at rendezvous)" : ""
                FileHandle.standardError.write(Data("hookd train: rank \(group.rank) of \(group.worldSize)\(how), master \(d.master)\n".utf8))
                return group
            }
            // A rank other than 0 records even without --db: its rows travel to rank 0's file from
            // what it records, so it records into a scratch file removed when it exits.
            let scratch = db == nil && (group?.rank ?? 0) != 0 ? try ScratchDirectory(prefix: "hookd-rank\(group?.rank ?? 0)-") : nil
            defer { scratch?.remove() }
            let db = db ?? scratch.map { $0.url.appendingPathComponent("stats.db").path }
            let job = try TrainingJob(spec: runSpec, defaultThreads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                      keepStatsInMemory: db == nil, group: group)
            if let weights = job.weights { FileHandle.standardError.write(Data("hookd train: weights: \(weights)\n".utf8)) }
            job.learner.callbacks.append(ProgressReporter())
            let stats = job.stats
            let probe = BenchmarkProbe(maxBatches: maxBatches, abPeriod: hooksAB ?? storeAB ?? healthAB ?? syncAB ?? reduceAB,
                                       toggle: hooksAB != nil ? { stats.isEnabled = $0 } : nil)
            if syncAB != nil {
                guard let sync = job.learner.rankSync else {
                    throw ValidationError("--sync-ab measures a data-parallel run: give --world-size (2 or more) and --master")
                }
                // "On" is carrying the flags: the feature whose cost (a negative overhead: its saving) is reported.
                probe.toggle = { sync.waitsEveryBatch = !$0 }
            }
            if reduceAB != nil {
                guard group?.worldSize == 2 else {
                    throw ValidationError("--reduce-ab measures a data-parallel run of two: give --world-size 2 and --master")
                }
                // "On" is the exchange. The reducer is made once training starts; the toggle finds it
                // at a batch's start, outside a backward, where switching cannot fail.
                let learner = job.learner
                probe.toggle = { [weak learner] on in
                    for case let parallel as DataParallel in learner?.callbacks ?? [] { try? parallel.reducer?.setExchangesPairwise(on) }
                }
            }
            if healthAB != nil {
                // The run's watch is made once training starts; the toggle finds it among the callbacks.
                let learner = job.learner
                probe.toggle = { [weak learner] on in for case let watch as HealthWatch in learner?.callbacks ?? [] { watch.isEnabled = on } }
            }
            job.learner.callbacks.insert(probe, at: 0)
            // SIGINT/SIGTERM finish the current batch, flush the stats and mark the run interrupted.
            let stop = job.learner.stopSignal
            let signals = SignalWatcher { _ in stop.request() }
            defer { signals.cancel() }
            var interrupted = false
            if let db {
                let writer = try StatsWriter(path: db, flushPolicy: FlushPolicy(maxRows: flushRows, maxDelayMilliseconds: flushMs),
                                              onError: onStatsError, retry: RetryPolicy(windowMilliseconds: statsRetrySeconds * 1000))
                defer { try? writer.close() }
                let runID = try writer.createRun(name: runSpec.name, spec: runSpec.json)
                FileHandle.standardError.write(Data("hookd train: recording run \(runID) into \(db)\n".utf8))
                let ab = storeAB != nil
                let status = try RunLifecycle(writer: writer, runID: runID).run(job, participant: StandaloneRun { recorder in
                    if ab { probe.toggle = { recorder.isEnabled = $0 } }
                })
                interrupted = status == .interrupted
            } else {
                try job.train()
                interrupted = job.learner.wasStopped
            }
            if let saveWeights { try StateDictFile.write(job.model.stateDict(), to: URL(fileURLWithPath: saveWeights)) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                for m in job.learner.history { print(String(decoding: try encoder.encode(m), as: UTF8.self)) }
            }
            if let benchName {
                print(probe.report(name: benchName, batchSize: runSpec.train.batchSize, threads: Torch.threads,
                                   history: job.learner.history))
                return
            }
            if interrupted && maxBatches == nil {
                FileHandle.standardError.write(Data("hookd train: interrupted; stats flushed\n".utf8))
                throw ExitCode(1)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CLIFailure.exit(for: error, context: "train")
        }
    }
}
