import Foundation
import Health
import HTTPServer
import HookKit
import StatsStore

/// Everything `hookd serve` is configured with (`config/hookd.json`, then `HOOKD_*` overrides).
///
/// Every key has a default suited to a 2-core machine running one training job; see
/// the README (section "Configuration") for the file format.
public struct DaemonConfig: Sendable {
    /// HTTP listen address and limits (host, port, body bytes, connections, threads, nice).
    /// 1000 connections: hundreds of idle or trickling sockets must not lock others out (each costs
    /// one descriptor and 32 KiB at most; `requestTimeoutSeconds` cuts the slow ones).
    public var http = HTTPServerConfig(connectionLimit: 1000, threadCount: 2, threadNice: 10)
    /// The SQLite stats file; nil means `<stateDirectory>/hookd.sqlite`.
    public var databasePath: String?
    /// Checkpoints and per-run summaries live here.
    public var stateDirectory = "/var/lib/hookd"
    /// File holding the bearer token for POST/DELETE; nil leaves the API open (loopback only!).
    public var tokenFile: String?
    /// The token read from `tokenFile`; never printed.
    public var token: BearerToken?
    /// When the stats writer commits (rows, milliseconds).
    public var flush = FlushPolicy()
    /// Rows that may wait for the writer before the oldest are dropped.
    public var statsQueueCapacity = 50_000
    /// What a failed stats write means for the run.
    public var statsErrorPolicy = StatsErrorPolicy.failRun
    /// How long a stats write failure that may pass (disk full) is retried before `statsErrorPolicy` applies.
    public var statsRetry = RetryPolicy()
    /// Ended runs kept (rows and checkpoint directories); older ones are deleted as runs end. 0 keeps all.
    public var keepRuns = 0
    /// Intra-op threads for runs whose spec does not say (default: online cores, PERF-NOTES item 1).
    public var trainingThreads = ProcessInfo.processInfo.activeProcessorCount
    /// CPUs the daemon trains on (the whole process is pinned there at start; server threads move
    /// to `http.threadCPUs` themselves); nil leaves the process where systemd put it.
    public var trainingCPUs: [Int]?
    /// Whether `threads` was given (file or `HOOKD_THREADS`); otherwise pinned CPUs set the count.
    var trainingThreadsGiven = false
    /// Runs at once; the training queue is serial, so only 1 is supported.
    public var maxConcurrentRuns = 1
    /// Write a checkpoint every this many training batches (and at each epoch end); 0 = epoch ends only.
    public var checkpointEveryBatches = 200
    /// The most hooks one run may have (spec and `POST /hooks` together): each costs a forward
    /// hook per batch and stats rows, so an unbounded count lets one client slow training to a crawl.
    public var maxHooks = HookClaims.defaultLimit
    /// Hooks for specs without a `hooks` key.
    public var defaultHooks = [HookSpec()]
    /// The `default_hooks` JSON as written, for printing the effective config.
    public var defaultHooksJSON = #"[{"every":1,"kind":"forward","modules":"params","stats":["mean","std","near_zero"]}]"#
    /// Spec files queued when the daemon starts on a database that holds no runs yet.
    /// Training-health overrides every run starts from (`alerts`); a run spec's own come after.
    public var alerts: [RuleOverride] = []
    public var runsAtStart: [String] = []
    /// How long `POST /hooks` and `DELETE /hooks/{id}` wait for the training loop (milliseconds).
    public var hookWaitMilliseconds = 5000
    /// Most `GET /events` clients at once (`http.max_streams`). Each holds a connection for as long
    /// as it streams, so the limit leaves `http.connection_limit` room for ordinary requests.
    public var maxStreams = 64
    /// Events kept in memory for clients resuming with `Last-Event-ID` (`http.event_history`).
    public var eventHistory = 16_384

    /// The defaults.
    public init() {}

    /// `databasePath`, or its default inside the state directory.
    public var effectiveDatabasePath: String {
        databasePath ?? URL(fileURLWithPath: stateDirectory).appendingPathComponent("hookd.sqlite").path
    }
}
