import Dispatch
import Foundation
import HookKit
import Logging
import Platform
import StatsStore
import Synchronization

/// The daemon without its sockets: the stats file, the run queue, the live snapshot and the hook
/// command queue. HTTP handlers and tests drive it; it never exposes the live model.
///
/// Runs train one at a time on `trainingQueue` (a serial Dispatch queue at the daemon's own nice
/// and CPUs): each run builds its `TrainingJob` there, and nothing else ever touches that model.
public final class DaemonCore: Sendable {
    private struct Control {
        /// Runs queued on `trainingQueue` and not yet started, in order.
        var waiting: [Int64] = []
        var current: RunControl?
        var shuttingDown = false
    }

    /// The configuration it was started with.
    public let config: DaemonConfig
    /// The one writer of the stats file (its own serial queue).
    public let writer: StatsWriter
    /// Pooled read-only connections for handlers.
    public let reader: StatsReader
    /// Rendered `/stats` answers, valid until the writer commits again.
    let statsCache = ResponseCache()
    /// What the training queue publishes for handlers.
    public let live = LiveState()
    /// Recent events and the `/events` clients streaming them, fed by the writer's commits.
    public let events: EventLog
    /// Hook attach/detach commands waiting for a batch boundary.
    public let hookCommands = HookCommandQueue()
    /// Where lifecycle lines go (stderr under `hookd serve`).
    public let logger: Logger
    /// Where runs train, one at a time (see `TrainingQueue` for how they keep the daemon's nice and CPUs).
    let trainingQueue: TrainingQueue
    private let control = Mutex(Control())

    /// Creates the state directory, opens (creating/migrating) the stats file and a reader pool,
    /// and sets up the training queue at the calling thread's nice and `training.cpus` (else
    /// the calling thread's CPUs).
    ///
    /// - Parameter relay: a queue served by a thread at that placement (`hookd serve`: the main
    ///   queue, drained by `MainRunLoop`), through which other threads (the server's) submit
    ///   runs; nil submits directly.
    /// - Throws: file-system errors for the state directory, `StatsStoreError` for the database.
    public init(config: DaemonConfig, logger: Logger = Logger(label: "hookd"), relay: DispatchQueue? = nil) throws {
        self.config = config
        self.logger = logger
        let fm = FileManager.default
        try fm.createDirectory(atPath: config.stateDirectory, withIntermediateDirectories: true)
        try fm.createDirectory(at: Self.runsDirectory(config), withIntermediateDirectories: true)
        let dbDirectory = URL(fileURLWithPath: config.effectiveDatabasePath).deletingLastPathComponent()
        try fm.createDirectory(at: dbDirectory, withIntermediateDirectories: true)
        let log = logger
        writer = try StatsWriter(path: config.effectiveDatabasePath, flushPolicy: config.flush,
                                 queuePolicy: QueuePolicy(capacity: config.statsQueueCapacity),
                                 onError: config.statsErrorPolicy, retry: config.statsRetry, logger: { log.warning("\($0)") })
        reader = try StatsReader(path: config.effectiveDatabasePath)
        let events = EventLog(capacity: config.eventHistory, maxStreams: config.maxStreams)
        let live = live
        writer.observeChanges { change in
            events.publish(StoreEvents.events(for: change) { live.progress($0)?.imagesPerSecond })
        }
        self.events = events
        // training.cpus, not the CPUs of now: HookDaemon.start() pins the process there later.
        let placement = ThreadPlacement(nice: ThreadPriority.currentNice, cpus: config.trainingCPUs ?? ThreadAffinity.allowedCPUs())
        trainingQueue = TrainingQueue(placement: placement, relay: relay, logger: logger)
    }

    /// `<state_directory>/runs`: one directory per run, named by its id.
    public static func runsDirectory(_ config: DaemonConfig) -> URL {
        URL(fileURLWithPath: config.stateDirectory).appendingPathComponent("runs")
    }

    /// Where a run's checkpoint, summary and other files live.
    public func runDirectory(_ runID: Int64) -> URL {
        Self.runsDirectory(config).appendingPathComponent(String(runID))
    }

    /// The run's checkpoint file.
    public func checkpointURL(_ runID: Int64) -> URL {
        runDirectory(runID).appendingPathComponent("checkpoint.ckpt")
    }

    // MARK: Runs

    /// Whether SIGTERM/SIGINT has started the shutdown.
    public var isShuttingDown: Bool { control.withLock { $0.shuttingDown } }

    /// Parses a run spec, stores it as a `queued` run and queues it; returns the run id.
    ///
    /// - Throws: `SpecError` for a bad spec (with its JSON path; a relative `data.path` or
    ///   `model.weights` too, or a weights file the daemon cannot read),
    ///   `DaemonError.shuttingDown`.
    public func submit(spec data: Data) throws -> Int64 {
        let spec = try RunSpec.parse(data)
        try spec.checkHooks(limit: config.maxHooks)
        // A relative path would mean the daemon's working directory (`/` under systemd), which
        // no client chose; `hookd train` keeps relative paths, against the caller's directory.
        for (key, path) in [("$.data.path", spec.data.path), ("$.model.weights", spec.model.weights)] {
            if let path, !path.hasPrefix("/") {
                throw SpecError(path: key, message: "must be an absolute path for the daemon, got \"\(path)\"")
            }
        }
        // Checked now so a typo is a 400; what the file holds is read when the run starts.
        if let weights = spec.model.weights, !FileManager.default.isReadableFile(atPath: weights) {
            throw SpecError(path: "$.model.weights", message: "\(weights): cannot read the file")
        }
        if isShuttingDown { throw DaemonError.shuttingDown }
        // A rank the rendezvous will assign is recorded when it has (`RunLifecycle`).
        let distributed = spec.train.distributed
        let id = try enqueue(resume: false) {
            try writer.createRun(name: spec.name, spec: spec.json, rank: distributed?.rank ?? 0, worldSize: distributed?.worldSize ?? 1)
        }
        logger.info("run \(id) (\(spec.name)) queued")
        return id
    }

    /// Queues a stored run for training; `resume` restores its checkpoint first.
    public func enqueue(_ runID: Int64, resume: Bool) {
        _ = try? enqueue(resume: resume) { runID }
    }

    /// Queues the run `store` makes queued in the stats file (a new one, or one reopened).
    ///
    /// The store's change and the queue entry are one step for `cancel`, which holds the same
    /// lock: a cancel sees the run both queued in the file and waiting here, or neither, never a
    /// `queued` row that trains after it was cancelled.
    private func enqueue(resume: Bool, store: () throws -> Int64) throws -> Int64 {
        let runID = try control.withLock { c in
            let id = try store()
            c.waiting.append(id)
            return id
        }
        trainingQueue.async { [self] in
            let runControl = control.withLock { c -> RunControl? in
                guard let index = c.waiting.firstIndex(of: runID) else { return nil }  // cancelled while queued
                c.waiting.remove(at: index)
                guard !c.shuttingDown else { return nil }  // stays queued in the file for the next start
                let runControl = RunControl(runID: runID)
                c.current = runControl
                return runControl
            }
            guard let runControl else { return }
            RunSession(core: self, runID: runID, resume: resume, control: runControl).run()
            control.withLock { $0.current = nil }
        }
        return runID
    }

    /// Queues a failed or cancelled run again, to resume from its last checkpoint as a restart
    /// resumes an interrupted one: same id, rows and open hooks, the batches after the checkpoint
    /// trained again. For a data-parallel run, every rank's daemon is asked (the killed rank's,
    /// restarted, resumes its run by itself); rank 0 restores its checkpoint and the others take
    /// rank 0's state at the rendezvous.
    ///
    /// - Returns: the run as it is now (`queued`).
    /// - Throws: `StatsStoreError.runNotFound`, `.runNotResumable` (any other status),
    ///   `DaemonError.shuttingDown`.
    public func resume(_ runID: Int64) throws -> RunRecord {
        if isShuttingDown { throw DaemonError.shuttingDown }
        var record: RunRecord?
        _ = try enqueue(resume: true) {
            record = try writer.reopenRun(runID)
            return runID
        }
        guard var record else { throw StatsStoreError.runNotFound(runID) }
        // The path the run resumes from, if the file is still there (else it starts over).
        if let path = record.checkpointPath, !FileManager.default.fileExists(atPath: path) { record.checkpointPath = nil }
        logger.info("run \(runID) queued to resume from \(record.checkpointPath ?? "its start (no checkpoint)")")
        return record
    }

    /// Runs waiting for the training queue, in order.
    public var waitingRuns: [Int64] { control.withLock { $0.waiting } }

    /// Cancels a queued run at once, or asks the training run to stop at the next batch boundary.
    ///
    /// - Throws: `StatsStoreError.runNotFound` for an unknown id.
    public func cancel(_ runID: Int64) throws -> CancelOutcome {
        // Under the lock that `enqueue` stores and queues under (see there).
        let outcome = try control.withLock { c -> CancelOutcome in
            if let index = c.waiting.firstIndex(of: runID) {
                c.waiting.remove(at: index)
                try writer.markRun(runID, status: .cancelled)
                logger.info("run \(runID) cancelled while queued")
                return .cancelled
            }
            if let current = c.current, current.runID == runID {
                current.requestStop(.cancel)
                return .stopping
            }
            let record = try reader.run(runID)
            guard [.queued, .interrupted, .running].contains(record.status) else { return .alreadyEnded(record.status) }
            // Not on this process's queue (e.g. left behind by a crash and not resumed).
            try writer.markRun(runID, status: .cancelled)
            return .cancelled
        }
        if case .stopping = outcome { logger.info("run \(runID) stopping at the next batch boundary (cancel)") }
        return outcome
    }

    /// Deletes ended runs beyond the `stats.keep_runs` that ended last (0 keeps every run), rows
    /// and directories alike. Runs on the training queue after each run and at start
    /// (queued there, so a large deletion never delays `READY=1`); a failure is logged, not fatal.
    func applyRetention() {
        guard config.keepRuns > 0 else { return }
        do {
            let ids = RetentionPlan.runsToDelete(keeping: config.keepRuns, of: try reader.runs())
            guard !ids.isEmpty else { return }
            try RunRetention.delete(ids, writer: writer, runsDirectory: Self.runsDirectory(config))
            let list = ids.map(String.init).joined(separator: ", ")
            logger.info("retention: deleted run\(ids.count == 1 ? "" : "s") \(list) (stats.keep_runs = \(config.keepRuns))")
        } catch {
            logger.error("retention: could not delete old runs: \(error)")
        }
    }

    // MARK: Start and stop

    /// At start: resumes runs a shutdown or crash left `interrupted` or `running` (from their
    /// checkpoint), re-queues `queued` ones (those queued to resume, resuming), and on an empty database queues `runs_at_start`.
    public func recover() throws {
        trainingQueue.async { [self] in applyRetention() }
        let runs = try reader.runs()
        for run in runs {
            switch run.status {
            case .interrupted, .running:
                logger.info("run \(run.id) was \(run.status); resuming from \(run.checkpointPath ?? "the start (no checkpoint)")")
                enqueue(run.id, resume: true)
            case .queued:
                // One that trained before was queued to resume (`resume(_:)`).
                enqueue(run.id, resume: run.startedAt != nil)
            default:
                break
            }
        }
        guard runs.isEmpty else { return }
        for path in config.runsAtStart {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            _ = try submit(spec: data)
        }
    }

    /// Stops the active run at its next batch boundary (checkpoint, `interrupted`), leaves queued
    /// runs queued, waits for the training queue, then flushes and closes the stats file.
    public func shutdown() {
        let current = control.withLock { c -> RunControl? in
            c.shuttingDown = true
            return c.current
        }
        current?.requestStop(.shutdown)
        trainingQueue.sync {}
        do {
            try writer.flush()
            try writer.close()
        } catch {
            logger.error("closing the stats file failed: \(error)")
        }
    }
}
