import Foundation
import Testing

/// A temp directory with a daemon config, and helpers to start the daemon on it and wait for runs.
final class DaemonFixture {
    let directory: TempDirectory
    let configPath: String
    /// `listen.host`: an IPv4 or IPv6 literal.
    let host: String
    let port = DaemonProcess.freePort()
    let token: String?

    /// Writes a config; `training`, `stats` and `http` add keys to their sections (e.g. `"checkpoint_every_batches": 25`).
    init(host: String = "127.0.0.1", token: String? = nil, maxBodyBytes: Int = 1 << 20, training: String = "",
         stats: String = "", http: String = "", hookWaitMs: Int = 5000, flushMs: Int = 50) throws {
        let directory = try TempDirectory()
        self.directory = directory
        self.host = host
        self.token = token
        let tokenFile = try token.map { try directory.write("token", $0 + "\n") }
        let trainingJSON = training.isEmpty ? "" : ", " + training
        let statsJSON = stats.isEmpty ? "" : ", " + stats
        let httpJSON = http.isEmpty ? "" : ", " + http
        configPath = try directory.write("hookd.json", """
            {"listen": {"host": "\(host)", "port": \(port)},
             "storage": {"state_directory": "\(directory.path("state"))"},
             "auth": {"token_file": \(tokenFile.map { "\"\($0)\"" } ?? "null")},
             "http": {"max_body_bytes": \(maxBodyBytes), "hook_wait_ms": \(hookWaitMs)\(httpJSON)},
             "stats": {"flush_ms": \(flushMs)\(statsJSON)},
             "training": {"threads": 1\(trainingJSON)}}
            """)
    }

    /// The stats file the daemon writes (the default inside the state directory).
    var databasePath: String { directory.path("state") + "/hookd.sqlite" }

    /// Starts `hookd serve` on this fixture's config, as `user` (uid and gid) when given.
    func start(environment: [String: String] = [:], user: UInt32? = nil, launcher: [String] = []) throws -> DaemonProcess {
        // The daemon creates its state directory in here, as whichever user it runs as.
        if user != nil { chmod(directory.url.path, 0o777) }
        return try DaemonProcess(configPath: configPath, host: host, port: port, logURL: directory.url.appendingPathComponent("hookd.log"),
                                 token: token, environment: environment, user: user, launcher: launcher)
    }

    deinit { directory.remove() }
}

extension DaemonProcess {
    /// Polls `GET /runs/{id}` until `condition` holds (or fails the test after `timeout`).
    @discardableResult
    func waitForRun(_ id: Int, timeout: TimeInterval = 60, sourceLocation: SourceLocation = #_sourceLocation,
                    until condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any] = [:]
        while Date() < deadline {
            last = try client.get("/runs/\(id)").json
            if condition(last) { return last }
            usleep(20_000)
        }
        Issue.record("run \(id) did not reach the condition in \(timeout)s; last: \(last)\nlog:\n\(log)", sourceLocation: sourceLocation)
        return last
    }

    /// Queues `spec` and returns the run id.
    func submit(_ spec: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let response = try client.post("/runs", json: spec)
        #expect(response.status == 202, "\(response.text)", sourceLocation: sourceLocation)
        return response.json["id"] as? Int ?? -1
    }

    /// The global batch `run` resumed at, from the daemon's log line; waits (bounded) for it.
    func resumedBatch(run: Int, timeout: TimeInterval = 60, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            // "run 1 resumes at epoch 0 batch 63 (global batch 63)"
            if let line = log.split(separator: "\n").last(where: { $0.contains("run \(run) resumes at") }),
               let match = line.firstMatch(of: #/\(global batch (\d+)\)/#), let batch = Int(match.1) {
                return batch
            }
            usleep(20_000)
        }
        Issue.record("run \(run) did not resume in \(timeout)s; log:\n\(log)", sourceLocation: sourceLocation)
        return -1
    }

    /// `GET /hooks?run=` as rows, in id order.
    func hooks(run: Int) throws -> [[String: Any]] {
        try client.get("/hooks?run=\(run)").json["hooks"] as? [[String: Any]] ?? []
    }

    /// The batches recorded for `layer` in `run`.
    func statBatches(run: Int, layer: String, kind: String = "forward") throws -> [Int] {
        let response = try client.get("/stats/\(layer)?run=\(run)&kind=\(kind)")
        return response.json["batch"] as? [Int] ?? []
    }
}
