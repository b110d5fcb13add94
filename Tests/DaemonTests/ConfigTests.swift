import Foundation
import Health
import HookKit
import Testing

@testable import Daemon

/// `DaemonConfig`: file keys, `HOOKD_*` overrides, strict errors with JSON paths, token handling.
@Suite struct ConfigTests {
    @Test func defaultsSuitALocalDaemon() throws {
        let config = try DaemonConfig.load(path: nil, environment: [:])
        #expect(config.http.host == "127.0.0.1")
        #expect(config.http.port == 8742)
        #expect(config.effectiveDatabasePath == "/var/lib/hookd/hookd.sqlite")
        #expect(config.token == nil)
        #expect(config.maxConcurrentRuns == 1)
        #expect(config.trainingThreads == ProcessInfo.processInfo.activeProcessorCount)
        #expect(config.defaultHooks == [HookSpec()])
    }

    @Test func shippedConfigNamesEveryKey() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/hookd.json")
        var text = try String(contentsOf: shipped, encoding: .utf8)
        // The shipped file queues /etc/hookd/default-run.json; point it at the repository's copy.
        let defaultRun = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/default-run.json")
        text = text.replacingOccurrences(of: "/etc/hookd/default-run.json", with: defaultRun.standardized.path)
        let config = try DaemonConfig.load(path: try directory.write("hookd.json", text), environment: [:])
        #expect(config.runsAtStart.count == 1)
        #expect(config.checkpointEveryBatches == 200)
        #expect(config.alerts == [RuleOverride(rule: .nonFinite, action: .stop)])
        // The printed config has the file's sections, in the file's order.
        let printed = config.effectiveJSON.prettyText
        let sections = ["listen", "storage", "auth", "http", "stats", "training", "alerts", "runs_at_start"]
        let offsets = sections.compactMap { printed.range(of: "\n  \"\($0)\": ")?.lowerBound }
        #expect(offsets.count == sections.count && offsets == offsets.sorted())
    }

    @Test func fileKeysAndEnvironmentOverrides() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let path = try directory.write("c.json", """
            {"listen": {"port": 9000}, "http": {"threads": 2, "thread_nice": null},
             "stats": {"flush_rows": 10, "flush_ms": 5, "on_error": "continue_without_stats", "retry_seconds": 7},
             "training": {"threads": 3, "max_hooks": 12, "default_hooks": [{"modules": ["0.0"], "kind": "backward", "every": 2}]}}
            """)
        let config = try DaemonConfig.load(path: path, environment: [
            "HOOKD_PORT": "9100", "HOOKD_HOST": "0.0.0.0", "HOOKD_DB": "/tmp/x.sqlite", "HOOKD_STATE_DIR": "/tmp/state",
            "HOOKD_THREADS": "", "HOOKD_CHECKPOINT_EVERY": "7",
        ])
        #expect(config.http.port == 9100)
        #expect(config.http.host == "0.0.0.0")
        #expect(config.http.threadCount == 2)
        #expect(config.http.threadNice == nil)
        #expect(config.effectiveDatabasePath == "/tmp/x.sqlite")
        #expect(config.stateDirectory == "/tmp/state")
        #expect(config.trainingThreads == 3)
        #expect(config.checkpointEveryBatches == 7)
        #expect(config.maxHooks == 12)
        #expect(config.flush.maxRows == 10 && config.flush.maxDelayMilliseconds == 5)
        #expect(config.statsErrorPolicy == .continueWithoutStats)
        #expect(config.statsRetry.windowMilliseconds == 7000)
        #expect(config.defaultHooks == [HookSpec(modules: .paths(["0.0"]), kind: .backward, every: 2)])
    }

    @Test(arguments: [
        (#"{"listen": {"prot": 1}}"#, "$.listen.prot", "unknown key"),
        (#"{"listen": {"port": 70000}}"#, "$.listen.port", "must be in 0...65535"),
        (#"{"listen": {"host": "localhost"}}"#, "$.listen.host", #""localhost" is not an IPv4 or IPv6 address literal"#),
        (#"{"listen": {"host": "hookd.example.com"}}"#, "$.listen.host", "host names are not resolved"),
        (#"{"listen": {"host": "fe80::1%eth0"}}"#, "$.listen.host", "zone id"),
        (#"{"listen": {"host": "::ffff:127.0.0.1"}}"#, "$.listen.host", "write it as 127.0.0.1"),
        (#"{"http": {"threads": "two"}}"#, "$.http.threads", "expected an integer"),
        (#"{"http": {"max_streams": 990}}"#, "$.http.max_streams", "would leave fewer than 16 of http.connection_limit (1000)"),
        (#"{"http": {"event_history": 3}}"#, "$.http.event_history", "must be in 16...10000000"),
        (#"{"stats": {"on_error": "ignore"}}"#, "$.stats.on_error", "fail_run"),
        (#"{"stats": {"retry_seconds": -1}}"#, "$.stats.retry_seconds", "must be in 0...3600"),
        (#"{"training": {"max_concurrent_runs": 2}}"#, "$.training.max_concurrent_runs", "1...1"),
        (#"{"training": {"max_hooks": 0}}"#, "$.training.max_hooks", "must be in 1...100000"),
        (#"{"training": {"default_hooks": [{"modules": ["0.0"]}, {"modules": ["0.0"]}]}}"#, "$.training.default_hooks[1].modules[0]",
         "already records mean for $.training.default_hooks[0].modules[0]"),
        (#"{"training": {"threads": 1, "threads": 2}}"#, "$.training.threads", #"duplicate key "threads""#),
        (#"{"training": {"default_hooks": [{"kind": "sideways"}]}}"#, "$.training.default_hooks[0].kind", "forward"),
        (#"{"training": {"default_hooks": {"modules": "all"}}}"#, "$.training.default_hooks", "array"),
        (#"{"runs_at_start": ["/no/such/spec.json"]}"#, "$.runs_at_start[0]", "cannot read"),
        (#"{"storage": {"state_directory": 3}}"#, "$.storage.state_directory", "a string"),
        (#"[1]"#, "$", "object"),
    ])
    func badValuesNameTheirPath(json: String, path: String, message: String) throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let file = try directory.write("c.json", json)
        let error = try #require(throws: SpecError.self) { try DaemonConfig.load(path: file, environment: [:]) }
        #expect(error.path.hasSuffix(path), "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func badEnvironmentValuesNameTheVariable() throws {
        let error = try #require(throws: SpecError.self) { try DaemonConfig.load(path: nil, environment: ["HOOKD_PORT": "http"]) }
        #expect(error.path == "environment HOOKD_PORT")
        let host = try #require(throws: SpecError.self) { try DaemonConfig.load(path: nil, environment: ["HOOKD_HOST": "localhost"]) }
        #expect(host.path == "environment HOOKD_HOST")
        #expect(host.message.contains("host names are not resolved"))
    }

    @Test(arguments: ["127.0.0.1", "0.0.0.0", "::1", "[::1]", "::", "2001:db8::1"])
    func ipv4AndIPv6LiteralsAreAcceptedAsWritten(host: String) throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let file = try directory.write("c.json", #"{"listen": {"host": "\#(host)"}}"#)
        #expect(try DaemonConfig.load(path: file, environment: [:]).http.host == host)
        #expect(try DaemonConfig.load(path: nil, environment: ["HOOKD_HOST": host]).http.host == host)
    }

    @Test func tokenIsReadTrimmedAndNeverPrinted() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let tokenFile = try directory.write("token", "  t0ps3cret\n")
        let config = try DaemonConfig.load(path: nil, environment: ["HOOKD_TOKEN_FILE": tokenFile])
        #expect(config.token?.matches(authorization: "Bearer t0ps3cret") == true)
        let printed = config.effectiveJSON.prettyText
        #expect(!printed.contains("t0ps3cret"))
        #expect(printed.contains("<redacted>"))
        let empty = try directory.write("empty", "\n")
        #expect(throws: SpecError.self) { try DaemonConfig.load(path: nil, environment: ["HOOKD_TOKEN_FILE": empty]) }
        #expect(throws: SpecError.self) { try DaemonConfig.load(path: nil, environment: ["HOOKD_TOKEN_FILE": directory.path("missing")]) }
    }

    @Test func checkConfigCommandExitCodes() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let good = try directory.write("good.json", #"{"auth": {"token_file": "\#(try directory.write("token", "abc123"))"}}"#)
        let bad = try directory.write("bad.json", #"{"listen": {"port": -1}}"#)
        let (okStatus, okOut, _) = try Self.runHookd(["check-config", "--config", good])
        #expect(okStatus == 0)
        #expect(okOut.contains("\"port\": 8742"))
        #expect(!okOut.contains("abc123"))
        let (badStatus, _, badErr) = try Self.runHookd(["check-config", "--config", bad])
        #expect(badStatus == 64)
        #expect(badErr.contains("$.listen.port"))
        let hostname = try directory.write("hostname.json", #"{"listen": {"host": "localhost"}}"#)
        let (hostStatus, _, hostErr) = try Self.runHookd(["check-config", "--config", hostname])
        #expect(hostStatus == 64)
        #expect(hostErr.contains("$.listen.host") && hostErr.contains("host names are not resolved"), "\(hostErr)")
    }

    static func runHookd(_ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = try DaemonProcess.binary()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOOKD_") }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
