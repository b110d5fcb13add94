import Health
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
                ("connection_timeout_seconds", .int(http.connectionTimeoutSeconds)),
                ("request_timeout_seconds", .int(http.requestTimeoutSeconds)), ("threads", .int(http.threadCount)),
                ("thread_nice", .int(http.threadNice)), ("cpus", Self.cpuList(http.threadCPUs)),
                ("hook_wait_ms", .int(hookWaitMilliseconds)), ("max_streams", .int(maxStreams)),
                ("event_history", .int(eventHistory)),
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
            ("alerts", .array(alerts.map(Self.alertJSON))),
            ("runs_at_start", .array(runsAtStart.map(JSONOut.string))),
        ])
    }

    /// One `alerts` entry as written: the rule, then only what it overrides.
    private static func alertJSON(_ o: RuleOverride) -> JSONOut {
        var fields: [(String, JSONOut)] = [("rule", .string(o.rule.name))]
        if let enabled = o.enabled { fields.append(("enabled", .bool(enabled))) }
        if let action = o.action { fields.append(("action", .string(action.rawValue))) }
        for parameter in RuleParameter.allCases {
            guard let value = o.parameters[parameter] else { continue }
            fields.append((parameter.rawValue, parameter.isCount ? .int(Int64(value)) : .double(value)))
        }
        return .object(fields)
    }

    private static func cpuList(_ cpus: [Int]?) -> JSONOut {
        cpus.map { .array($0.map { .int($0) }) } ?? .null
    }
}
