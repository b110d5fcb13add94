import HTTPServer
import Rendering
import StatsStore

extension DaemonConfig {
    /// The effective configuration in the config file's shape, token redacted (`hookd check-config`).
    public var effectiveJSON: JSONOut {
        .object([
            ("listen", .object([("host", .string(http.host)), ("port", .int(http.port))])),
            ("storage", .object([("database", .string(effectiveDatabasePath)), ("state_directory", .string(stateDirectory))])),
            ("auth", .object([("token_file", .text(tokenFile)), ("token", token == nil ? .null : .string("<redacted>"))])),
            ("http", .object([
                ("max_body_bytes", .int(http.maxBodyBytes)), ("connection_limit", .int(http.connectionLimit)),
                ("connection_timeout_seconds", .int(http.connectionTimeoutSeconds)), ("threads", .int(http.threadCount)),
                ("thread_nice", .int(http.threadNice)), ("cpus", Self.cpuList(http.threadCPUs)),
                ("hook_wait_ms", .int(hookWaitMilliseconds)),
            ])),
            ("stats", .object([
                ("flush_rows", .int(flush.maxRows)), ("flush_ms", .int(flush.maxDelayMilliseconds)),
                ("queue_capacity", .int(statsQueueCapacity)),
                ("on_error", .string(statsErrorPolicy == .failRun ? "fail_run" : "continue_without_stats")),
                ("retry_seconds", .int(statsRetry.windowMilliseconds / 1000)), ("keep_runs", .int(keepRuns)),
            ])),
            ("training", .object([
                ("threads", .int(trainingThreads)), ("cpus", Self.cpuList(trainingCPUs)),
                ("max_concurrent_runs", .int(maxConcurrentRuns)),
                ("checkpoint_every_batches", .int(checkpointEveryBatches)), ("max_hooks", .int(maxHooks)),
                ("default_hooks", .raw(defaultHooksJSON)),
            ])),
            ("runs_at_start", .array(runsAtStart.map(JSONOut.string))),
        ])
    }

    private static func cpuList(_ cpus: [Int]?) -> JSONOut {
        cpus.map { .array($0.map { .int($0) }) } ?? .null
    }
}
