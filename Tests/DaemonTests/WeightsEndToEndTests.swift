import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `model.weights`, `GET /runs/{id}/weights` and `hookd export` against the real daemon:
/// a run's checkpointed model comes out as a state_dict file that the next run loads strictly.
@Suite("Weights end to end", .serialized)
struct WeightsEndToEndTests {
    static let layers = #"[{"Flatten": {}}, {"Linear": {"in_features": 64, "out_features": 8}}, {"BatchNorm1d": {"num_features": 8}}, {"ReLU": {}}, {"Linear": {"in_features": 8, "out_features": 4}}]"#

    static func spec(weights: String? = nil) -> String {
        let weightsKey = weights.map { #", "weights": "\#($0)""# } ?? ""
        return #"{"name": "own-model", "model": {"arch": "sequential", "layers": \#(layers)\#(weightsKey)}, "#
            + #""data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 32, "valid_count": 8}, "#
            + #""train": {"epochs": 1, "batch_size": 8, "threads": 1}}"#
    }

    static func export(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = try DaemonProcess.binary()
        process.arguments = ["export"] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func aRunsWeightsComeOutAndTheNextRunStartsFromThem() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        #expect(try daemon.client.get("/runs/99/weights").errorCode == "run_not_found")
        let first = try daemon.submit(Self.spec())
        try daemon.waitForRun(first) { $0["status"] as? String == "finished" }

        let response = try daemon.client.get("/runs/\(first)/weights")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/octet-stream")
        #expect(response.headers["content-disposition"] == #"attachment; filename="run-\#(first)-weights.pt""#)
        #expect(response.body.starts(with: Data("PK\u{3}\u{4}".utf8)), "torch.save's zip format")

        // hookd export reads the same checkpoint, from the stats file or by path.
        let exported = fixture.directory.path("exported.pt")
        let byRun = try Self.export(["--db", fixture.databasePath, "--run", "\(first)", "-o", exported])
        #expect(byRun.status == 0, "\(byRun.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: exported)) == response.body)
        let checkpoint = try #require(try daemon.client.get("/runs/\(first)").json["checkpoint"] as? String)
        let byPath = fixture.directory.path("by-path.pt")
        #expect(try Self.export(["--checkpoint", checkpoint, "-o", byPath]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: byPath)) == response.body)

        // Strict by default: every key and shape of the export fits the same layer list.
        let second = try daemon.submit(Self.spec(weights: exported))
        let run = try daemon.waitForRun(second) { ["finished", "failed"].contains($0["status"] as? String ?? "") }
        #expect(run["status"] as? String == "finished", "\(run)")
        // Two Linear layers (weight, bias) and a BatchNorm1d (weight, bias, three buffers).
        #expect(daemon.log.contains("run \(second) weights: loaded 9 tensors from \(exported)"), "\(daemon.log)")
    }

    /// A resumed run restores its model from the checkpoint, so its weights file may be gone.
    @Test func aResumedRunDoesNotNeedItsWeightsFileAgain() throws {
        let fixture = try DaemonFixture(training: #""checkpoint_every_batches": 0"#)
        let first = try fixture.start()
        let source = try first.submit(Self.spec())
        try first.waitForRun(source) { $0["status"] as? String == "finished" }
        let weights = fixture.directory.path("start.pt")
        try first.client.get("/runs/\(source)/weights").body.write(to: URL(fileURLWithPath: weights))
        let long = Self.spec(weights: weights).replacingOccurrences(of: #""train_count": 32"#, with: #""train_count": 4800"#)
        let id = try first.submit(long)
        try first.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= 20 }
        #expect(first.stop(signal: SIGTERM) == 0, "\(first.log)")
        try FileManager.default.removeItem(atPath: weights)

        let second = try fixture.start()
        defer { second.stop() }
        let run = try second.waitForRun(id, timeout: 120) { ["finished", "failed"].contains($0["status"] as? String ?? "") }
        #expect(run["status"] as? String == "finished", "\(run)")
        #expect(second.resumedBatch(run: id) >= 20)
    }

    @Test func badWeightsAre400sOrAFailedRunNamingTheFile() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let relative = try daemon.client.post("/runs", json: Self.spec(weights: "model.pt"))
        #expect(relative.status == 400)
        #expect(relative.errorMessage == #"$.model.weights: must be an absolute path for the daemon, got "model.pt""#)
        let missing = fixture.directory.path("missing.pt")
        let absent = try daemon.client.post("/runs", json: Self.spec(weights: missing))
        #expect(absent.status == 400)
        #expect(absent.errorMessage == "$.model.weights: \(missing): cannot read the file")

        // What the file holds is read when the run starts: the run fails with the reason.
        let text = try fixture.directory.write("text.pt", "not a model\n")
        let id = try daemon.submit(Self.spec(weights: text))
        let run = try daemon.waitForRun(id) { $0["status"] as? String == "failed" }
        #expect((run["error"] as? String ?? "").contains("$.model.weights: \(text): not a PyTorch file"), "\(run)")
        let none = try daemon.client.get("/runs/\(id)/weights")
        #expect(none.status == 409)
        #expect(none.errorCode == "no_checkpoint")
        #expect(try daemon.client.get("/health").status == 200, "the daemon is still up")

        let usage = try Self.export(["--db", fixture.databasePath, "-o", fixture.directory.path("x.pt")])
        #expect(usage.status == 64)
        let noCheckpoint = try Self.export(["--db", fixture.databasePath, "--run", "\(id)", "-o", fixture.directory.path("x.pt")])
        #expect(noCheckpoint.status == 64)
        #expect(noCheckpoint.stderr.contains("run \(id) has no checkpoint"), "\(noCheckpoint.stderr)")
        let notACheckpoint = try Self.export(["--checkpoint", text, "-o", fixture.directory.path("x.pt")])
        #expect(notACheckpoint.status == 1)
        #expect(notACheckpoint.stderr.contains("\(text) is not a hookd checkpoint"), "\(notACheckpoint.stderr)")
    }
}
