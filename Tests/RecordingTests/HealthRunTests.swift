import Daemon
import Foundation
import HookKit
import StatsStore
import Testing

/// Training-health rules judging real training (no alert is injected): a run built to blow up
/// stops on `non_finite`, a healthy one raises nothing, and the alerts stay in the file.
@Suite("Health of real runs")
struct HealthRunTests {
    /// Trains `spec` through `hookd train`'s lifecycle into `file`; returns the status (nil when it threw).
    private func train(_ spec: String, into file: StatsFile) throws -> (status: RunStatus?, runID: Int64) {
        let job = try TrainingJob(spec: try RunSpec.parse(Data(spec.utf8)))
        let writer = try StatsWriter(path: file.path)
        let runID = try writer.createRun(name: job.spec.name, spec: job.spec.json)
        let status = try? RunLifecycle(writer: writer, runID: runID).run(job)
        try writer.close()
        return (status, runID)
    }

    /// The issue's runaway run: an MLP under SGD at lr 50 diverges to NaN within a few dozen batches.
    private func runaway(alerts: String = "[]") -> String {
        """
        {"name": "runaway", "model": {"arch": "mlp", "layers": [784, 200, 10]},
         "data": {"format": "synthetic", "shape": [1, 28, 28], "classes": 10, "train_count": 4096, "valid_count": 64},
         "train": {"epochs": 1, "batch_size": 64, "optimizer": "sgd", "lr": 50, "schedule": "constant", "threads": 2},
         "alerts": \(alerts)}
        """
    }

    @Test func aRunawayMLPStopsOnNonFiniteAndItsAlertsSurviveReopening() throws {
        let file = StatsFile()
        defer { file.remove() }
        let (status, runID) = try train(runaway(), into: file)
        #expect(status == nil, "the stop fails the run")
        let reader = try StatsReader(path: file.path)
        let run = try reader.run(runID)
        #expect(run.status == .failed)
        #expect(run.error?.contains("non_finite") == true && run.error?.contains("at batch") == true, "\(run.error ?? "")")
        let alerts = try reader.alerts(run: runID)
        let nonFinite = alerts.filter { $0.rule == "non_finite" }
        #expect(!nonFinite.isEmpty && nonFinite.allSatisfy { $0.batch < 60 && $0.action == "stop" }, "\(alerts)")
        // One batch raised it; training ended there, its statistics recorded.
        #expect(Set(nonFinite.map(\.batch)).count == 1)
        let last = try reader.batchMetrics(run: runID).last?.batch
        #expect(last == nonFinite.first?.batch)
    }

    @Test func warnKeepsTheRunawayTrainingUntilTheLossItselfEndsIt() throws {
        let file = StatsFile()
        defer { file.remove() }
        let (_, runID) = try train(runaway(alerts: #"[{"rule": "non_finite", "action": "warn"}]"#), into: file)
        let reader = try StatsReader(path: file.path)
        #expect(try reader.alerts(run: runID).contains { $0.rule == "non_finite" && $0.action == "warn" })
        #expect(try reader.run(runID).error?.contains("loss became") == true, "the learner still refuses a NaN loss")
    }

    @Test func aHealthyRunRaisesNoAlert() throws {
        let file = StatsFile()
        defer { file.remove() }
        let spec = """
            {"name": "healthy", "model": {"arch": "simple_cnn", "channels": [1, 4, 8, 4], "batch_norm": true},
             "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 200, "valid_count": 40},
             "train": {"epochs": 2, "batch_size": 16, "threads": 1},
             "hooks": [{"modules": "all"}, {"modules": "params", "kind": "backward", "stats": ["mean", "std", "abs_mean"]}]}
            """
        let (status, runID) = try train(spec, into: file)
        #expect(status == .finished)
        #expect(try StatsReader(path: file.path).alerts(run: runID).isEmpty)
    }
}

extension HealthRunTests {
    @Test func aDeepSigmoidMLPRaisesVanishingGradientOnItsFirstLayer() throws {
        let file = StatsFile()
        defer { file.remove() }
        // Each sigmoid passes at most a quarter of the gradient back: ten of them leave the first
        // Linear layer (path "1", after Flatten) gradients far below 1e-7.
        let hidden = Array(repeating: "32", count: 10).joined(separator: ", ")
        let spec = """
            {"name": "vanishing", "model": {"arch": "mlp", "layers": [64, \(hidden), 4], "activation": "sigmoid"},
             "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 320, "valid_count": 32},
             "train": {"epochs": 1, "batch_size": 16, "optimizer": "sgd", "lr": 0.01, "schedule": "constant", "threads": 1},
             "hooks": [{"modules": ["1", "21"], "kind": "backward", "stats": ["abs_mean"]}]}
            """
        let (status, runID) = try train(spec, into: file)
        #expect(status == .finished, "vanishing_gradient warns")
        let alerts = try StatsReader(path: file.path).alerts(run: runID)
        #expect(alerts.map { "\($0.rule) \($0.path) \($0.kind) \($0.batch)" } == ["vanishing_gradient 1 backward 9"], "\(alerts)")
    }
}
