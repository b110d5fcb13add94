import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `hookd serve` over HTTP: queue, observe, attach/detach mid-run, cancel.
@Suite(.serialized) struct EndToEndTests {
    @Test func queueObserveAttachDetachCancel() throws {
        let fixture = try DaemonFixture(token: "s3cret")
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let c = daemon.client

        let health = try c.get("/health")
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "ok")
        #expect(health.json["active_run"] is NSNull)
        #expect(health.json["stats_writer"] as? String == "ok")

        let id = try daemon.submit(Specs.synthetic(name: "observe", epochs: 40, batches: 256))
        try daemon.waitForRun(id) { $0["status"] as? String == "running" && ($0["global_batch"] as? Int ?? 0) >= 10 }
        #expect(try c.get("/health").json["active_run"] as? Int == id)

        // Reads while it trains: summary, layers, stats, runs.
        let summary = try c.get("/summary").json
        #expect(summary["model"] as? String == "simple_cnn")
        #expect((summary["layers"] as? [[String: Any]])?.count == 10)
        #expect(summary["total_params"] as? Int == 2722)
        #expect(try c.get("/summary?format=text").text.contains("Total params: 2,722"))
        let layers = try c.get("/layers").json["layers"] as? [[String: Any]] ?? []
        #expect(layers.map { $0["path"] as? String ?? "" } == ["0.0", "0.1", "0.2", "1.0", "1.1", "1.2", "2.0", "2.1", "3.0", "3.1"])
        #expect((layers[0]["hooks"] as? [Any])?.count == 1)
        #expect((layers[2]["hooks"] as? [Any])?.count == 0)
        let run = try c.get("/runs/\(id)").json
        #expect(run["epochs"] as? Int == 40)
        #expect(run["batches_per_epoch"] as? Int == 256)
        #expect(run["loss"] is Double)
        #expect((run["images_per_second"] as? Double ?? 0) > 0)
        #expect((try c.get("/runs").json["runs"] as? [[String: Any]])?.count == 1)
        var early: [Int] = []
        for _ in 0..<100 where early.isEmpty {
            early = try daemon.statBatches(run: id, layer: "0.0")
            usleep(20_000)
        }
        #expect(early.first == 0)

        // Unknown layer on the running model: 404 at once.
        let unknown = try c.post("/hooks", json: #"{"layer":"9.9"}"#)
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "layer_not_found")

        // Attach a hook on a ReLU the spec did not hook; it records from the batch reported.
        let attach = try c.post("/hooks", json: #"{"layer":"0.2","kind":"forward","stats":["mean","std"],"every":1}"#)
        #expect(attach.status == 201, "\(attach.text)")
        let hookID = try #require(attach.json["id"] as? Int)
        let attached = try #require(attach.json["attached_batch"] as? Int)
        #expect(attach.json["layer"] as? String == "0.2")
        try daemon.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= attached + 20 }
        #expect(try c.get("/layers").json["layers"].flatMap { ($0 as? [[String: Any]])?[2]["hooks"] as? [Any] }?.count == 1)

        let detach = try c.delete("/hooks/\(hookID)")
        #expect(detach.status == 200, "\(detach.text)")
        let detached = try #require(detach.json["detached_batch"] as? Int)
        #expect(detached >= attached + 20)
        try daemon.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= detached + 10 }
        #expect(try c.delete("/hooks/\(hookID)").status == 409)

        let metrics = try c.get("/metrics")
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        for needle in ["# TYPE hookd_batches_total counter", "hookd_loss{run=\"\(id)\"}", "hookd_activation_mean{layer=\"0.0\",kind=\"forward\"}",
                       "hookd_activation_std{layer=\"1.1\",kind=\"forward\"}", "hookd_hook_seconds_total", "hookd_stats_rows_dropped_total 0"] {
            #expect(metrics.text.contains(needle), "\(needle) missing")
        }

        // Cancel: stops at a batch boundary, keeps its statistics.
        let cancel = try c.delete("/runs/\(id)")
        #expect(cancel.status == 202, "\(cancel.text)")
        let final = try daemon.waitForRun(id) { $0["status"] as? String == "cancelled" }
        let trained = try #require(final["global_batch"] as? Int)
        #expect(trained < 40 * 256)
        #expect(try daemon.statBatches(run: id, layer: "0.2") == Array(attached..<detached))
        #expect(try daemon.statBatches(run: id, layer: "0.0") == Array(0..<trained))
        let hooks = try c.get("/hooks?run=\(id)").json["hooks"] as? [[String: Any]] ?? []
        let row = try #require(hooks.first { $0["id"] as? Int == hookID })
        #expect(row["attached_batch"] as? Int == attached)
        #expect(row["detached_batch"] as? Int == detached)

        // The run has ended: attaching to it or cancelling it again conflicts.
        let late = try c.post("/hooks?run=\(id)", json: #"{"layer":"0.0"}"#)
        #expect(late.status == 409)
        #expect(late.errorCode == "run_ended")
        #expect(try c.delete("/runs/\(id)").status == 409)
    }

    @Test func badRequestsAnswerWithSpecErrors() throws {
        let fixture = try DaemonFixture(token: "s3cret", maxBodyBytes: 4096)
        let daemon = try fixture.start()
        defer { daemon.stop() }
        var c = daemon.client

        // Reads need no token; writes do.
        #expect(try c.get("/health").status == 200)
        let anonymous = try c.send("POST", "/runs", body: Data(Specs.synthetic().utf8), headers: ["Content-Type": "application/json"],
                                   authorize: false)
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"] == "Bearer")
        c.token = "wrong"
        #expect(try c.post("/runs", json: Specs.synthetic()).status == 401)
        #expect(try c.delete("/runs/1").status == 401)
        c.token = "s3cret"

        #expect(try c.post("/runs", json: Specs.synthetic(), contentType: "text/plain").status == 415)
        let malformed = try c.post("/runs", json: #"{"name": "x",,}"#)
        #expect(malformed.status == 400)
        #expect(malformed.errorCode == "invalid_spec")
        let badArch = try c.post("/runs", json: #"{"model":{"arch":"lenet"},"data":{"format":"synthetic"}}"#)
        #expect(badArch.status == 400)
        #expect(badArch.errorMessage.hasPrefix("$.model.arch"))
        let unknownKey = try c.post("/runs", json: #"{"model":{"arch":"mlp","layers":[784,10]},"data":{"format":"synthetic"},"trian":{}}"#)
        #expect(unknownKey.errorMessage.hasPrefix("$.trian"))
        #expect(try c.post("/runs", json: String(repeating: " ", count: 8000) + Specs.synthetic()).status == 413)

        #expect(try c.get("/runs/999").errorCode == "run_not_found")
        #expect(try c.get("/runs/abc").status == 400)
        #expect(try c.get("/nowhere").status == 404)
        let put = try c.send("PUT", "/runs")
        #expect(put.status == 405)
        #expect(put.headers["allow"]?.contains("POST") == true)
        #expect(try c.get("/stats/0.0").errorCode == "no_runs")
        #expect(try c.delete("/hooks/999").errorCode == "hook_not_found")
        let badHook = try c.post("/hooks", json: #"{"layer":"0.0","evry":2}"#)
        #expect(badHook.status == 400)
        #expect(badHook.errorMessage.hasPrefix("$.evry"))

        // With no active run a hook waits for the next run; it can be withdrawn.
        let pending = try c.post("/hooks", json: #"{"layer":"0.2"}"#)
        #expect(pending.status == 201)
        #expect(pending.json["pending"] as? Bool == true)
        #expect(pending.json["attached_batch"] is NSNull)
        let pendingID = try #require(pending.json["pending_id"] as? Int)
        #expect(try c.delete("/hooks/p\(pendingID)").status == 200)
        #expect(try c.delete("/hooks/p\(pendingID)").status == 404)
        // This one stays and applies to the next run from its first batch.
        #expect(try c.post("/hooks", json: #"{"layer":"1.2","every":4}"#).status == 201)

        let id = try daemon.submit(Specs.synthetic(name: "short", batches: 32))
        try daemon.waitForRun(id) { $0["status"] as? String == "finished" }
        #expect(try daemon.statBatches(run: id, layer: "1.2") == [0, 4, 8, 12, 16, 20, 24, 28])
        #expect(try c.get("/stats/no.such.layer").errorCode == "layer_not_found")
        #expect(try c.get("/stats/0.0?kind=sideways").status == 400)
        #expect(try c.get("/stats/0.0?limit=1").status == 400)
        #expect(try c.get("/stats/0.0?from=x").status == 400)
        #expect(try c.get("/stats/0.0?format=xml").status == 400)
        #expect(try c.get("/stats/0.0?run=99").errorCode == "run_not_found")
        let csv = try c.get("/stats/0.0?format=csv&from=3&to=5")
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text.split(separator: "\n").map { $0.split(separator: ",").first.map(String.init) ?? "" } == ["batch", "3", "4", "5"])
        #expect(try daemon.client.get("/stats/0.0?every=2&limit=5").json["batch"] as? [Int] == [0, 8, 16, 24, 30])
        let backward = try c.get("/stats/0.0?kind=backward")
        #expect(backward.status == 200)
        #expect((backward.json["batch"] as? [Int])?.isEmpty == true)
        #expect(try c.delete("/runs/\(id)").status == 409)
        #expect(try c.get("/summary?format=yaml").status == 400)
    }
}
