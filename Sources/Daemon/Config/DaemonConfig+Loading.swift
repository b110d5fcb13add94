import Foundation
import HTTPServer
import HookKit
import Platform
import Rendering
import StatsStore

extension DaemonConfig {
    /// Reads `path` (strict: unknown keys and bad values name their JSON path), then applies
    /// `HOOKD_*` variables from `environment` and reads the token file.
    ///
    /// - Parameter path: nil uses the defaults alone (plus the environment).
    /// - Throws: `SpecError` whose path starts with the file name or the variable name.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DaemonConfig {
        var config = DaemonConfig()
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SpecError(path: path, message: "cannot read the config file")
            }
            do {
                try config.apply(JSONObjectReader(try JSONValue.parse(data)))
            } catch let error as SpecError {
                throw SpecError(path: "\(path): \(error.path)", message: error.message)
            }
        }
        try config.applyEnvironment(environment)
        // One intra-op thread per pinned CPU: more would only fight over them (PERF-NOTES item 5).
        if let cpus = config.trainingCPUs, !config.trainingThreadsGiven { config.trainingThreads = cpus.count }
        try config.readToken()
        try config.validate()
        return config
    }

    /// Applies one config document; keys absent keep their current value.
    mutating func apply(_ root: JSONObjectReader) throws {
        if let listen = try root.object("listen") {
            if let host = try listen.string("host") { http.host = try Self.listenHost(host, path: listen.child("host")) }
            http.port = UInt16(try listen.int("port", range: 0...65535) ?? Int(http.port))
            try listen.finish()
        }
        if let storage = try root.object("storage") {
            databasePath = try storage.string("database") ?? databasePath
            stateDirectory = try storage.string("state_directory") ?? stateDirectory
            try storage.finish()
        }
        if let auth = try root.object("auth") {
            tokenFile = try auth.string("token_file") ?? tokenFile
            try auth.finish()
        }
        if let h = try root.object("http") {
            http.maxBodyBytes = try h.int("max_body_bytes", range: 1...(1 << 30)) ?? http.maxBodyBytes
            http.connectionLimit = try h.int("connection_limit", range: 1...65536) ?? http.connectionLimit
            http.connectionTimeoutSeconds = try h.int("connection_timeout_seconds", range: 0...86400) ?? http.connectionTimeoutSeconds
            http.requestTimeoutSeconds = try h.int("request_timeout_seconds", range: 0...86400) ?? http.requestTimeoutSeconds
            http.threadCount = try h.int("threads", range: 1...64) ?? http.threadCount
            if h.has("cpus") { http.threadCPUs = try Self.cpus(h, "cpus") }
            if h.has("thread_nice") {
                http.threadNice = try h.int("thread_nice", range: -20...19).map { Int32($0) }
            }
            hookWaitMilliseconds = try h.int("hook_wait_ms", range: 0...60000) ?? hookWaitMilliseconds
            maxStreams = try h.int("max_streams", range: 0...65536) ?? maxStreams
            eventHistory = try h.int("event_history", range: 16...10_000_000) ?? eventHistory
            try h.finish()
        }
        if let s = try root.object("stats") {
            flush = FlushPolicy(maxRows: try s.int("flush_rows", range: 1...1_000_000) ?? flush.maxRows,
                                maxDelayMilliseconds: try s.int("flush_ms", range: 0...60000) ?? flush.maxDelayMilliseconds)
            statsQueueCapacity = try s.int("queue_capacity", range: 1...100_000_000) ?? statsQueueCapacity
            statsErrorPolicy = try s.choice("on_error", ErrorPolicyName.self)?.policy ?? statsErrorPolicy
            if let seconds = try s.int("retry_seconds", range: 0...3600) {
                statsRetry = RetryPolicy(windowMilliseconds: seconds * 1000)
            }
            keepRuns = try s.int("keep_runs", range: 0...1_000_000) ?? keepRuns
            try s.finish()
        }
        if let t = try root.object("training") {
            // null means "online cores" (or the pinned CPUs), like leaving the key out.
            if let threads = try t.int("threads", range: 1...1024) { setTrainingThreads(threads) }
            if t.has("cpus") { trainingCPUs = try Self.cpus(t, "cpus") }
            maxConcurrentRuns = try t.int("max_concurrent_runs", range: 1...1) ?? maxConcurrentRuns
            checkpointEveryBatches = try t.int("checkpoint_every_batches", range: 0...10_000_000) ?? checkpointEveryBatches
            maxHooks = try t.int("max_hooks", range: 1...100_000) ?? maxHooks
            if let hooks = t.value("default_hooks") {
                defaultHooks = try Self.parseHooks(hooks, path: t.child("default_hooks"))
                defaultHooksJSON = Self.compactJSON(hooks)
            }
            try t.finish()
        }
        alerts = try AlertSpec.parse(in: root) ?? alerts
        runsAtStart = try root.stringArray("runs_at_start") ?? runsAtStart
        try root.finish()
    }

    /// `HOOKD_HOST`, `HOOKD_PORT`, `HOOKD_DB`, `HOOKD_STATE_DIR`, `HOOKD_TOKEN_FILE`, `HOOKD_THREADS`,
    /// `HOOKD_CHECKPOINT_EVERY`: each replaces its key; an empty value is ignored.
    mutating func applyEnvironment(_ environment: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let n = Int(text), range.contains(n) else {
                throw SpecError(path: "environment \(name)", message: "must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
            }
            return n
        }
        if let host = value("HOOKD_HOST") { http.host = try Self.listenHost(host, path: "environment HOOKD_HOST") }
        if let port = try integer("HOOKD_PORT", 0...65535) { http.port = UInt16(port) }
        if let db = value("HOOKD_DB") { databasePath = db }
        if let dir = value("HOOKD_STATE_DIR") { stateDirectory = dir }
        if let file = value("HOOKD_TOKEN_FILE") { tokenFile = file }
        if let threads = try integer("HOOKD_THREADS", 1...1024) { setTrainingThreads(threads) }
        if let every = try integer("HOOKD_CHECKPOINT_EVERY", 0...10_000_000) { checkpointEveryBatches = every }
    }

    /// An explicit thread count, which pinned CPUs then leave alone.
    mutating func setTrainingThreads(_ threads: Int) {
        trainingThreads = threads
        trainingThreadsGiven = true
    }

    /// `key` as CPUs this process may run on (nil when null); each one is checked against the
    /// affinity the daemon started with, so a typo fails `check-config`, not the start.
    static func cpus(_ r: JSONObjectReader, _ key: String) throws -> [Int]? {
        if case .null? = r.value(key) { return nil }
        guard let cpus = try r.intArray(key, range: 0...8191) else { return nil }
        guard !cpus.isEmpty else { throw SpecError(path: r.child(key), message: "must name at least one CPU (or be null)") }
        if let index = cpus.indices.first(where: { cpus[..<$0].contains(cpus[$0]) }) {
            throw SpecError(path: "\(r.child(key))[\(index)]", message: "CPU \(cpus[index]) is listed twice")
        }
        let allowed = ThreadAffinity.allowedCPUs()
        for (index, cpu) in cpus.enumerated() where !allowed.contains(cpu) {
            let list = allowed.map(String.init).joined(separator: ", ")
            throw SpecError(path: "\(r.child(key))[\(index)]", message: "CPU \(cpu) is not available to this process (allowed: \(list))")
        }
        return cpus
    }

    /// Reads the token file: surrounding whitespace is trimmed, an empty token is an error.
    mutating func readToken() throws {
        guard let tokenFile else {
            token = nil
            return
        }
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw SpecError(path: "$.auth.token_file", message: "cannot read \(tokenFile)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let token = BearerToken(text) else {
            throw SpecError(path: "$.auth.token_file", message: "\(tokenFile) is empty")
        }
        self.token = token
    }

    /// Connections `http.max_streams` must leave to ordinary requests.
    static let connectionsForRequests = 16

    /// Checks what single keys cannot: the HTTP server's own rules.
    func validate() throws {
        if let problem = http.problems.first { throw SpecError(path: "$.http", message: problem) }
        if maxStreams + Self.connectionsForRequests > http.connectionLimit {
            throw SpecError(path: "$.http.max_streams", message: "\(maxStreams) streams would leave fewer than "
                + "\(Self.connectionsForRequests) of http.connection_limit (\(http.connectionLimit)) for other requests")
        }
        if stateDirectory.isEmpty { throw SpecError(path: "$.storage.state_directory", message: "must not be empty") }
        // Start-up specs are checked now, so a typo fails `check-config` rather than the start.
        for (index, path) in runsAtStart.enumerated() {
            do { _ = try RunSpec.load(path: path) } catch let error as SpecError {
                throw SpecError(path: "$.runs_at_start[\(index)]", message: error.description)
            }
        }
    }

    /// `host` if the HTTP server can bind it (an IPv4 or IPv6 literal, see `ListenAddress`), kept
    /// as written; checked where it is read so the error names the key or variable it came from.
    static func listenHost(_ host: String, path: String) throws -> String {
        do throws(HTTPServerError) {
            _ = try ListenAddress(host)
        } catch .invalidAddress(_, let reason) {
            throw SpecError(path: path, message: "\"\(host)\" is \(reason)")
        } catch {
            throw SpecError(path: path, message: error.description)
        }
        return host
    }

    /// Parses `default_hooks` with the run spec's own strict hook parser, reporting config paths.
    static func parseHooks(_ value: JSONValue, path: String) throws -> [HookSpec] {
        guard case .array = value else { throw SpecError(path: path, message: "expected an array of hook specs") }
        // A minimal spec around the hooks: RunSpec's parser is the one definition of a hook.
        let probe = JSONOut.object([
            ("model", .object([("arch", .string("mlp")), ("layers", .array([.int(1), .int(2)]))])),
            ("data", .object([("format", .string("synthetic"))])),
        ]).text.dropLast() + ",\"hooks\":" + compactJSON(value) + "}"
        do {
            return try RunSpec.parse(Data(probe.utf8)).hooks
        } catch let error as SpecError {
            // Messages name paths too ("already hooked by $.hooks[0].modules[0]").
            throw SpecError(path: error.path.replacingOccurrences(of: "$.hooks", with: path),
                            message: error.message.replacingOccurrences(of: "$.hooks", with: path))
        }
    }

    static func compactJSON(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : "\(n)"
        case .string(let s): JSONOut.string(s).text
        case .array(let items): "[" + items.map(compactJSON).joined(separator: ",") + "]"
        case .object(let fields):
            "{" + fields.keys.sorted().map { JSONOut.string($0).text + ":" + compactJSON(fields[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// The names `stats.on_error` accepts.
    enum ErrorPolicyName: String, CaseIterable {
        case failRun = "fail_run", continueWithoutStats = "continue_without_stats"
        var policy: StatsErrorPolicy { self == .failRun ? .failRun : .continueWithoutStats }
    }
}
