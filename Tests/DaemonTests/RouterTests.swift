import Foundation
import HTTPServer
import StatsStore
import Testing

@testable import Daemon

/// The pure router over a real `DaemonCore` (real SQLite, real training on the core's queue), no socket.
@Suite(.serialized) struct RouterTests {
    final class Harness {
        let directory: TempDirectory
        let core: DaemonCore
        let router: Router

        init(token: String? = nil) throws {
            directory = try TempDirectory()
            var config = DaemonConfig()
            config.stateDirectory = directory.path("state")
            config.trainingThreads = 1
            config.flush = FlushPolicy(maxRows: 1000, maxDelayMilliseconds: 20)
            if let token { config.token = BearerToken(token) }
            core = try DaemonCore(config: config)
            router = DaemonAPI.router(core: core)
        }

        func request(_ method: HTTPMethod, _ target: String, json: String? = nil, token: String? = nil) -> HTTPResponse {
            var headers: [String: String] = [:]
            if json != nil { headers["Content-Type"] = "application/json" }
            if let token { headers["Authorization"] = "Bearer \(token)" }
            return router.handle(HTTPRequest(method: method, target: target, headers: headers, body: Data((json ?? "").utf8)))
        }

        func object(_ response: HTTPResponse) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        }

        /// Waits for the training queue to finish everything queued so far.
        func drain() { core.trainingQueue.sync {} }

        deinit {
            core.shutdown()
            directory.remove()
        }
    }

    @Test func healthWithoutRuns() throws {
        let h = try Harness()
        let response = h.request(.get, "/health")
        #expect(response.status == .ok)
        #expect(response.bodyText == #"{"status":"ok","version":"0.1.0","active_run":null,"queued_runs":0,"stats_writer":"ok"}"# + "\n")
        #expect(h.request(.get, "/summary").status == .notFound)
        #expect(h.request(.get, "/runs").bodyText == #"{"runs":[]}"# + "\n")
    }

    @Test func aRunTrainsAndEveryReadServesIt() throws {
        let h = try Harness()
        let queued = h.request(.post, "/runs", json: Specs.synthetic(name: "inproc", batches: 24))
        #expect(queued.status == .accepted)
        #expect(queued.headers["Location"] == "/runs/1")
        h.drain()
        let run = h.object(h.request(.get, "/runs/1"))
        #expect(run["status"] as? String == "finished", "\(run)")
        #expect(run["global_batch"] as? Int == 24)
        #expect(run["accuracy"] is Double)
        #expect(h.object(h.request(.get, "/summary?run=1"))["total_params"] as? Int == 2722)
        #expect(h.request(.get, "/summary?format=text").bodyText.hasPrefix("simple_cnn"))
        let stats = h.object(h.request(.get, "/stats/1.1?to=9"))
        #expect(stats["batch"] as? [Int] == Array(0...9))
        #expect((stats["mean"] as? [Double])?.count == 10)
        #expect(stats["layer"] as? String == "1.1")
        let hooks = h.object(h.request(.get, "/hooks"))["hooks"] as? [[String: Any]] ?? []
        #expect(hooks.map { $0["layer"] as? String ?? "" } == Specs.hookedByDefault)
        #expect(hooks.allSatisfy { $0["detached_batch"] as? Int == 24 && $0["active"] as? Bool == false })
        #expect(h.request(.post, "/hooks?run=1", json: #"{"layer":"0.0"}"#).status == .conflict)
        #expect(h.request(.delete, "/runs/1").status == .conflict)
    }

    @Test func hooksForAQueuedRunApplyAtItsFirstBatch() throws {
        let h = try Harness()
        // Hold the training queue so run 1 stays queued while the hook is posted for it.
        let gate = DispatchSemaphore(value: 0)
        h.core.trainingQueue.async { gate.wait() }
        #expect(h.request(.post, "/runs", json: Specs.synthetic(batches: 8, hooks: "[]")).status == .accepted)
        let pending = h.object(h.request(.post, "/hooks?run=1", json: #"{"layer":"0.2","kind":"backward","every":3}"#))
        #expect(pending["pending"] as? Bool == true)
        #expect(pending["run"] as? Int == 1)
        #expect(h.request(.get, "/layers").status == .conflict)
        gate.signal()
        h.drain()
        let hooks = h.object(h.request(.get, "/hooks?run=1"))["hooks"] as? [[String: Any]] ?? []
        #expect(hooks.count == 1)
        #expect(hooks.first?["attached_batch"] as? Int == 0)
        #expect(hooks.first?["kind"] as? String == "backward")
        #expect(h.object(h.request(.get, "/stats/0.2?kind=backward"))["batch"] as? [Int] == [0, 3, 6])
        #expect((h.object(h.request(.get, "/stats/0.0"))["batch"] as? [Int])?.isEmpty == true)
    }

    @Test func cancellingAQueuedRunNeedsTheTokenAndIsImmediate() throws {
        let h = try Harness(token: "tok")
        let gate = DispatchSemaphore(value: 0)
        h.core.trainingQueue.async { gate.wait() }
        #expect(h.request(.post, "/runs", json: Specs.synthetic()).status == .unauthorized)
        #expect(h.request(.post, "/runs", json: Specs.synthetic(), token: "tok").status == .accepted)
        #expect(h.request(.delete, "/runs/1").status == .unauthorized)
        let cancelled = h.request(.delete, "/runs/1", token: "tok")
        #expect(cancelled.status == .ok)
        #expect(h.object(cancelled)["status"] as? String == "cancelled")
        gate.signal()
        h.drain()
        #expect(try h.core.reader.run(1).status == .cancelled)
        #expect(try h.core.reader.run(1).startedAt == nil)
    }

    @Test func aRunThatFailsRecordsItsError() throws {
        let h = try Harness()
        // Valid JSON, but the model does not fit the data: found when the job is built.
        let spec = #"{"model":{"arch":"mlp","layers":[100,10]},"data":{"format":"synthetic"}}"#
        #expect(h.request(.post, "/runs", json: spec).status == .accepted)
        h.drain()
        let run = h.object(h.request(.get, "/runs/1"))
        #expect(run["status"] as? String == "failed")
        #expect((run["error"] as? String ?? "").contains("$.model.layers[0]"))
        #expect(h.request(.get, "/summary").status == .conflict)
    }

    @Test func afterShutdownWritesAre503AndReadsStillWork() throws {
        let h = try Harness()
        _ = h.request(.post, "/runs", json: Specs.synthetic(batches: 2))
        h.drain()
        h.core.shutdown()
        let refused = h.request(.post, "/runs", json: Specs.synthetic())
        #expect(refused.status == .serviceUnavailable)
        #expect(h.object(refused)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "shutting_down")
        #expect(h.object(h.request(.get, "/health"))["status"] as? String == "shutting_down")
        #expect(h.request(.get, "/stats/0.0").status == .ok)
    }

    @Test func metricsFollowPrometheusNaming() throws {
        let h = try Harness()
        _ = h.request(.post, "/runs", json: Specs.synthetic(batches: 4))
        h.drain()
        let text = h.request(.get, "/metrics").bodyText
        var typed: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if line.hasPrefix("# TYPE ") { typed[String(parts[2])] = String(parts[3]); continue }
            if line.hasPrefix("#") { continue }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            #expect(name.range(of: "^hookd_[a-z0-9_]+$", options: .regularExpression) != nil, "\(name)")
            #expect(typed[name] != nil, "\(name) has no TYPE line before it")
            #expect(Double(parts.last!) != nil || parts.last == "NaN", "\(line)")
        }
        for (name, type) in typed where type == "counter" { #expect(name.hasSuffix("_total"), "\(name)") }
        #expect(text.contains("hookd_batches_total 4\n"))
        #expect(text.contains(#"hookd_runs_ended_total{status="finished"} 1"#))
    }
}
