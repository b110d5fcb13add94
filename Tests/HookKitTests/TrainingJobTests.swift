import Datasets
import Foundation
import Testing
@testable import HookKit
@testable import Torch
import Statistics

@Suite("TrainingJob on synthetic data")
struct TrainingJobTests {
    /// 256 training images 1×8×8 in 4 classes, simple_cnn [1, 8, 16, 4], 4 batches of 64.
    static func spec(hooks: String = #"[{"modules": ["0.0", "2.0"], "every": 1}]"#, channels: String = "[1, 8, 16, 4]",
                     epochs: Int = 1) throws -> RunSpec {
        try RunSpec.parse(Data("""
            {"name": "tiny",
             "model": {"arch": "simple_cnn", "channels": \(channels), "batch_norm": true},
             "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 256, "valid_count": 64},
             "train": {"epochs": \(epochs), "batch_size": 64, "optimizer": "adam", "lr": 0.01, "seed": 3, "threads": 2},
             "hooks": \(hooks)}
            """.utf8))
    }

    @Test func trainsAndRecordsOnlyTheSpecsHooks() throws {
        let job = try TrainingJob(spec: try Self.spec(hooks: #"[{"modules": ["0.0", "2.0"]}, {"modules": ["1.1"], "every": 2}]"#))
        #expect(job.data.train.batchCount == 4)
        #expect(job.summary.totalParams == totalParams(job.model).count)
        let history = try job.train()
        #expect(history.count == 1)
        #expect(history[0].trainLoss.isFinite && history[0].validLoss?.isFinite == true)
        let records = job.stats.records
        #expect(Set(records.map(\.path)) == ["0.0", "2.0", "1.1"])
        #expect(job.stats.records(for: "0.0").map(\.batch) == [0, 1, 2, 3])
        #expect(job.stats.records(for: "2.0").map(\.batch) == [0, 1, 2, 3])
        #expect(job.stats.records(for: "1.1").map(\.batch) == [0, 2])
        #expect(records.count == 10)
        #expect(records.allSatisfy { $0.kind == .forward && $0.summary.count > 0 && $0.summary[.std].isFinite })
    }

    @Test func paramsHookCoversEveryParameterisedLeaf() throws {
        let job = try TrainingJob(spec: try Self.spec(hooks: #"[{"modules": "params", "every": 4}]"#))
        try job.train()
        #expect(Set(job.stats.records.map(\.path)) == ["0.0", "0.1", "1.0", "1.1", "2.0"])
        #expect(job.stats.records.allSatisfy { $0.batch == 0 })
    }

    @Test func emptyHookListRecordsNothing() throws {
        let job = try TrainingJob(spec: try Self.spec(hooks: "[]"))
        try job.train()
        #expect(job.stats.records.isEmpty)
        #expect(job.stats.entries.isEmpty)
        #expect(job.learner.history.count == 1)
    }

    @Test func unknownHookModuleIsASpecError() throws {
        #expect(throws: SpecError.self) { try TrainingJob(spec: try Self.spec(hooks: #"[{"modules": ["9.9"]}]"#)) }
        do {
            _ = try TrainingJob(spec: try Self.spec(hooks: #"[{"modules": ["0.0"]}, {"modules": ["2.0", "body.conv1"]}]"#))
            Issue.record("an unknown module path was accepted")
        } catch let error as SpecError {
            #expect(error.path == "$.hooks[1].modules[1]")
            #expect(error.message.contains("body.conv1"))
        }
        do {
            _ = try TrainingJob(spec: try Self.spec(hooks: #"[{"modules": ["nope"]}]"#))
            Issue.record("an unknown module path was accepted")
        } catch let error as SpecError {
            #expect(error.path == "$.hooks[0].modules[0]")
        }
    }

    @Test func givenStatisticsNormaliseTheBatchesAndMustFitTheChannels() throws {
        let json = { (normalize: String) in
            try Self.spec().json.replacingOccurrences(of: #""format":"synthetic""#, with: #""format":"synthetic","normalize":\#(normalize)"#)
        }
        let given = try TrainingJob(spec: try RunSpec.parse(Data(try json(#"{"mean":[0.5],"std":[0.25]}"#).utf8)))
        #expect(given.data.train.normalization == Normalization(mean: [0.5], std: [0.25]))
        #expect(given.data.valid.normalization == given.data.train.normalization)
        do {
            _ = try TrainingJob(spec: try RunSpec.parse(Data(try json(#""imagenet""#).utf8)))
            Issue.record("imagenet's 3 channels accepted for 1-channel images")
        } catch let error as SpecError {
            #expect(error.path == "$.data.normalize")
        }
    }

    @Test func channelMismatchIsASpecError() throws {
        do {
            _ = try TrainingJob(spec: try Self.spec(channels: "[3, 8, 4]"))
            Issue.record("3 input channels accepted for 1-channel images")
        } catch let error as SpecError {
            #expect(error.path == "$.model.channels[0]")
        }
        do {
            _ = try TrainingJob(spec: try Self.spec(channels: "[1, 8, 10]"))
            Issue.record("10 outputs accepted for 4 classes")
        } catch let error as SpecError {
            #expect(error.path == "$.model.channels[2]")
        }
    }

    @Test func checkpointRestoresParametersOptimizerStateAndPosition() throws {
        let folder = try TempFolder()
        let url = folder.url.appendingPathComponent("tiny.ckpt")
        let spec = try Self.spec(hooks: "[]")
        let trained = try TrainingJob(spec: spec)
        try trained.train()
        let position = trained.learner.position
        #expect(position == TrainingPosition(epoch: 1, batch: 0, iteration: 4))
        try trained.saveCheckpoint(to: url, position: position)

        let fresh = try TrainingJob(spec: spec)
        func values(_ job: TrainingJob) throws -> [String: [Float]] {
            var out: [String: [Float]] = [:]
            for (name, tensor) in job.model.stateDict() { out["model.\(name)"] = try tensor.floats() }
            for (name, tensor) in job.optimizer.stateTensors() { out["optimizer.\(name)"] = try tensor.floats() }
            return out
        }
        // Not a tautology: the fresh job starts from the same seed but untrained.
        #expect(try values(fresh) != values(trained))
        #expect(fresh.optimizer.stepCount == 0)
        let restored = try fresh.restoreCheckpoint(from: url)
        #expect(restored == position)
        #expect(try values(fresh) == values(trained))
        #expect(try values(fresh).keys.contains("optimizer.exp_avg_sq.0"))
        #expect(fresh.optimizer.stepCount == trained.optimizer.stepCount)
        #expect(fresh.optimizer.stepCount == 4)
        let norms = { (job: TrainingJob) throws in try job.model.namedModules().compactMap { try ($0.module as? BatchNorm)?.batchesTracked } }
        #expect(try norms(fresh) == norms(trained))
        #expect(try norms(trained) == [4, 4])

        // Both continue identically: one more Adam step from the same state gives the same weights.
        // (lr and beta1 are not checkpointed: a resumed fit's schedule sets them before each batch,
        // so they are set here the way `fitOneCycle` would for the next step.)
        let batch = try trained.data.train.makeBatch(0, epoch: 1, order: trained.data.train.order(epoch: 1))
        let next = OneCycleSchedule(totalSteps: 8, maxLR: 0.01)
        for job in [trained, fresh] {
            job.optimizer.learningRate = next.learningRate(at: 4)
            job.optimizer.momentum = next.momentum(at: 4)
            let (x, y) = try batch.tensors()
            try job.optimizer.zeroGrad()
            try Functional.crossEntropy(try job.model(x), target: y).backward()
            try job.optimizer.step()
        }
        #expect(try values(fresh) == values(trained))
    }

    @Test func aCheckpointFromBeforeTheBatchNormCounterBufferStillRestores() throws {
        let folder = try TempFolder()
        let url = folder.url.appendingPathComponent("legacy.ckpt")
        let spec = try Self.spec(hooks: "[]")
        let trained = try TrainingJob(spec: spec)
        try trained.train()
        try trained.saveCheckpoint(to: url, position: trained.learner.position)
        // Rewrite it as hookd wrote checkpoints before: the counters in metadata, not as tensors.
        var legacy = try Checkpoint.load(from: url)
        legacy.tensors.removeAll { $0.name.hasSuffix(".num_batches_tracked") }
        for (path, module) in trained.model.namedModules() where module is BatchNorm {
            legacy.metadata["bn_batches.\(path)"] = "4"
        }
        #expect(!legacy.metadata.keys.filter { $0.hasPrefix("bn_batches.") }.isEmpty)
        try legacy.save(to: url)

        let fresh = try TrainingJob(spec: spec)
        #expect(try fresh.restoreCheckpoint(from: url) == trained.learner.position)
        let norms = try fresh.model.namedModules().compactMap { try ($0.module as? BatchNorm)?.batchesTracked }
        #expect(norms == [4, 4])
    }

    /// Stop after 3 of 8 batches, checkpoint, restore into a fresh job and resume: the final
    /// weights equal those of an uninterrupted run (same batches, same one-cycle steps).
    @Test func resumedRunEndsWhereAnUninterruptedRunEnds() throws {
        let folder = try TempFolder()
        let url = folder.url.appendingPathComponent("resume.ckpt")
        let spec = try Self.spec(hooks: "[]", epochs: 2)
        let full = try TrainingJob(spec: spec)
        try full.train()

        let interrupted = try TrainingJob(spec: spec)
        let stopper = EventRecorder()
        stopper.stopAfterBatches = 3
        interrupted.learner.callbacks.append(stopper)
        try interrupted.train()
        #expect(interrupted.learner.wasStopped)
        let position = interrupted.learner.position
        #expect(position == TrainingPosition(epoch: 0, batch: 3, iteration: 3))
        try interrupted.saveCheckpoint(to: url, position: position)

        let resumed = try TrainingJob(spec: spec)
        let counter = EventRecorder()
        resumed.learner.callbacks.append(counter)
        try resumed.train(from: try resumed.restoreCheckpoint(from: url))
        #expect(counter.trainedBatches.count == 5)
        let a = try full.model.stateDict().map { try $0.tensor.floats() }
        let b = try resumed.model.stateDict().map { try $0.tensor.floats() }
        #expect(a == b)
    }
}
