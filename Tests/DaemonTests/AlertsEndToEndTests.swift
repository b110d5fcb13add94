import Foundation
import Testing

/// Training-health alerts through the real daemon: a run built to blow up fails on `non_finite`,
/// and its alert is served by `/alerts`, streamed on `/events`, counted in `/runs/{id}` and
/// `/metrics`, and logged.
@Suite(.serialized) struct AlertsEndToEndTests {
    private let runaway = """
        {"name": "runaway", "model": {"arch": "mlp", "layers": [784, 200, 10]},
         "data": {"format": "synthetic", "shape": [1, 28, 28], "classes": 10, "train_count": 4096, "valid_count": 64},
         "train": {"epochs": 1, "batch_size": 64, "optimizer": "sgd", "lr": 50, "schedule": "constant", "threads": 1}}
        """

    @Test func aRunawayRunFailsOnNonFiniteAndEverySurfaceSaysSo() throws {
        // No periodic checkpoint: the one the run keeps is the stop's (it fails within an epoch).
        let fixture = try DaemonFixture(training: #""checkpoint_every_batches": 0"#)
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let c = daemon.client
        let stream = try EventStreamClient(port: fixture.port)
        _ = try stream.events(timeout: 5) { _ in stream.status != 0 }
        let id = try daemon.submit(runaway)
        let run = try daemon.waitForRun(id) { $0["status"] as? String == "failed" }
        let events = try stream.events(timeout: 20) { events in
            events.contains { $0.type == "run" && $0.json["status"] as? String == "failed" }
        }
        let error = run["error"] as? String ?? ""
        #expect(error.contains("non_finite") && error.contains("at batch"), "\(error)")
        let counts = try #require(run["alerts"] as? [String: Any], "\(run)")
        #expect((counts["non_finite"] as? Int ?? 0) >= 1, "\(counts)")

        let alerts = try #require(try c.get("/alerts?run=\(id)").json["alerts"] as? [[String: Any]])
        #expect(!alerts.isEmpty && alerts.allSatisfy { $0["run_id"] as? Int == id })
        let first = try #require(alerts.last)
        #expect(first["rule"] as? String == "non_finite" && (first["batch"] as? Int ?? 99) < 60, "\(first)")
        // The same alert, as it was committed, on the live stream; before the run's `failed`.
        let streamed = events.filter { $0.type == "alert" }.map(\.json)
        #expect(streamed.count == alerts.count)
        #expect(streamed.first?["run"] as? Int == id && streamed.first?["rule"] as? String == "non_finite")
        #expect(streamed.first?["batch"] as? Int == first["batch"] as? Int && streamed.first?["path"] as? String == first["path"] as? String)
        let alertIndex = events.firstIndex { $0.type == "alert" } ?? Int.max
        let failedIndex = events.firstIndex { $0.type == "run" && $0.json["status"] as? String == "failed" } ?? -1
        #expect(alertIndex < failedIndex)
        #expect(try c.get("/alerts").json["alerts"] as? [[String: Any]] != nil)
        #expect(try c.get("/alerts?run=x").status == 400)
        #expect(try c.get("/alerts?run=999").status == 404)

        let metrics = try c.get("/metrics").text
        #expect(metrics.contains("# TYPE hookd_alerts_total counter") && metrics.contains(#"hookd_alerts_total{rule="non_finite",layer=""#), "\(metrics)")
        #expect(daemon.log.contains("warning: run \(id) alert non_finite on"), "\(daemon.log)")

        // Stopped by the alert, the run keeps a checkpoint of the model as it went wrong.
        let checkpoint = try #require(run["checkpoint"] as? String, "\(run)")
        #expect(FileManager.default.fileExists(atPath: checkpoint))
        #expect(try c.get("/runs/\(id)/weights").status == 200)
    }

    /// The first Linear's bias is -10 (`scripts/weights_oracle.py dead_relu` wrote the weights):
    /// its outputs, and so its ReLU's, are never > 0.
    private func deadReLU(weights: String?) -> String {
        let weightsKey = weights.map { #", "weights": "\#($0)""# } ?? ""
        return #"{"name": "dead-relu", "model": {"arch": "sequential", "layers": [{"Flatten": {}}, "#
            + #"{"Linear": {"in_features": 64, "out_features": 16}}, {"ReLU": {}}, {"Linear": {"in_features": 16, "out_features": 4}}]\#(weightsKey)}, "#
            + #""data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 256, "valid_count": 8}, "#
            + #""train": {"epochs": 1, "batch_size": 8, "threads": 1}, "#
            + #""hooks": [{"modules": "all", "kind": "forward", "stats": ["mean"]}], "alerts": [{"rule": "dead_units", "window": 10}]}"#
    }

    @Test func aReLUBehindABiasOfMinusTenRaisesDeadUnitsWithinItsWindow() throws {
        let weights = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/dead_relu.pt").path
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let dead = try daemon.submit(deadReLU(weights: weights))
        let run = try daemon.waitForRun(dead) { ["finished", "failed"].contains($0["status"] as? String ?? "") }
        #expect(run["status"] as? String == "finished", "dead_units warns by default: \(run)")
        let alerts = try #require(try daemon.client.get("/alerts?run=\(dead)").json["alerts"] as? [[String: Any]])
        let deadUnits = alerts.filter { $0["rule"] as? String == "dead_units" }
        // The Linear (followed by the ReLU) and the ReLU; not Flatten, not the last Linear.
        #expect(Set(deadUnits.compactMap { $0["path"] as? String }) == ["1", "2"], "\(alerts)")
        #expect(deadUnits.count == 2, "one episode per layer: \(alerts)")
        for alert in deadUnits {
            // The window's 10th recorded batch (batches count from 0), every channel dead.
            #expect(alert["batch"] as? Int == 9 && alert["value"] as? Double == 1 && alert["threshold"] as? Double == 0.5, "\(alert)")
            #expect(alert["kind"] as? String == "forward")
        }
        #expect(daemon.log.contains("warning: run \(dead) alert dead_units on"), "\(daemon.log)")
        #expect((run["alerts"] as? [String: Any])?["dead_units"] as? Int == 2, "\(run)")

        // The same model with torch's own init: its units fire, nothing is raised.
        let healthy = try daemon.submit(deadReLU(weights: nil))
        try daemon.waitForRun(healthy) { $0["status"] as? String == "finished" }
        let none = try #require(try daemon.client.get("/alerts?run=\(healthy)").json["alerts"] as? [[String: Any]])
        #expect(none.isEmpty, "\(none)")
    }
}
