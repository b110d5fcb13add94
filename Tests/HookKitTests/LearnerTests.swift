import Foundation
import Testing
@testable import HookKit
@testable import Torch

@Suite("fastai acceptance: Learner")
struct LearnerTests {
    private func learner(train: Int = 32, batchSize: Int = 16, optimizer: ((Module) throws -> Optimizer)? = nil) throws -> Learner {
        Torch.manualSeed(5)
        let model = try tinyModel()
        let opt = try optimizer?(model) ?? SGD(model.parameters(), learningRate: 0.01)
        return Learner(model: model, data: try tinyBunch(train: train, batchSize: batchSize), optimizer: opt)
    }

    @Test func callbacksFireInFastaiOrder() throws {
        let l = try learner()  // 2 batches
        let recorder = EventRecorder()
        l.callbacks = [recorder]
        let history = try l.fit(epochs: 1)
        let batch = ["beginBatch", "afterLoss", "afterBackward", "endBatch"]
        #expect(recorder.events == ["beginFit", "beginEpoch"] + batch + batch + ["beginValidate", "endEpoch", "endFit"])
        #expect(history.count == 1)
        #expect(history[0].validLoss?.isFinite == true)
        #expect((0...1).contains(history[0].accuracy ?? -1))
    }

    @Test func stopSignalStopsAfterThatBatch() throws {
        let l = try learner(train: 64)  // 4 batches per epoch
        let recorder = EventRecorder()
        recorder.stopAfterBatches = 3
        l.callbacks = [recorder]
        let history = try l.fit(epochs: 2)
        #expect(recorder.trainedBatches.count == 3)
        #expect(l.wasStopped)
        #expect(history.isEmpty)
        #expect(recorder.events.last == "endFit")
        #expect(!recorder.events.contains("beginValidate"))
        #expect(l.optimizer.stepCount == 3)
    }

    /// Resuming at (epoch 0, batch 3) of 2×4 batches trains exactly the 5 remaining batches,
    /// with the same images a full run gives them.
    @Test func resumeTrainsExactlyTheRemainingBatches() throws {
        let l = try learner(train: 64)
        let recorder = EventRecorder()
        l.callbacks = [recorder]
        var inputs: [[Float]] = []
        let probe = l.model.registerForwardPreHook { [unowned l] _, x in
            if l.isTraining { inputs.append(try x.floats()) }
            return nil
        }
        defer { probe.remove() }
        try l.fit(epochs: 2, from: TrainingPosition(epoch: 0, batch: 3, iteration: 3))
        let positions = recorder.trainedBatches.map { [$0.epoch, $0.batch, $0.iteration] }
        #expect(positions == [[0, 3, 3], [1, 0, 4], [1, 1, 5], [1, 2, 6], [1, 3, 7]])
        #expect(l.position == TrainingPosition(epoch: 2, batch: 0, iteration: 8))
        #expect(l.history.map(\.epoch) == [0, 1])
        let loader = l.data.train
        let expected = try [(0, 3), (1, 0), (1, 1), (1, 2), (1, 3)].map { epoch, index in
            try loader.makeBatch(index, epoch: epoch, order: loader.order(epoch: epoch)).inputs
        }
        #expect(inputs == expected)
    }

    @Test func errorInACallbackStillReachesEveryEndFit() throws {
        let l = try learner(train: 64)
        let first = EventRecorder(), second = EventRecorder()
        first.throwAtBatch = 2
        let stats = ActivationStats()
        l.callbacks = [first, stats, second]
        #expect(throws: EventRecorder.Boom.self) { try l.fit(epochs: 1) }
        #expect(first.endFitCalls == 1 && second.endFitCalls == 1)
        #expect(first.trainedBatches.count == 2)
        #expect(stats.entries.isEmpty)
        #expect(l.model.leafModules().allSatisfy { $0.module.hookTable.count == 0 })
        // The model still runs without any hook firing.
        _ = try l.model(try Tensor.randn([2, 1, 8, 8]))
        // Batch 1 recorded 3 modules; batch 2 was aborted in `first.endBatch`, before stats' own
        // endBatch; the forward after the fit records nothing.
        #expect(stats.records.count == 3)
        #expect(Set(stats.records.map(\.batch)) == [0])
    }

    /// A backward hook's closure runs inside libtorch's backward, which cannot throw; its error
    /// still fails the fit, after that batch's backward, and names the layer.
    @Test func aThrowingBackwardHookFailsTheFitNamingItsLayer() throws {
        final class FailingGradients: HookCallback<Double> {
            struct Unreadable: Error, CustomStringConvertible { var description: String { "gradient unreadable" } }
            override func hook(_ entry: Entry, _ input: Tensor?, _ output: Tensor) throws -> Double { throw Unreadable() }
        }
        let l = try learner(train: 64)
        let hooks = FailingGradients(removeAtEnd: true)
        hooks.attach(path: "1.0", module: try #require(l.model.module(at: "1.0")), kind: .backward)
        let recorder = EventRecorder()
        l.callbacks = [hooks, recorder]
        let error = try #require(throws: HookError.self) { try l.fit(epochs: 1) }
        #expect(error.path == "1.0" && error.kind == .backward)
        #expect("\(error)" == "backward hook on layer 1.0: gradient unreadable")
        // Stopped in the first batch, right after its backward (before later callbacks saw it).
        #expect(recorder.events.suffix(2) == ["afterLoss", "endFit"] && recorder.trainedBatches.isEmpty)
        #expect(l.model.leafModules().allSatisfy { $0.module.hookTable.count == 0 })
    }

    @Test func oneCycleDrivesLearningRateAndMomentum() throws {
        let l = try learner(train: 64, optimizer: { try Adam($0.parameters(), learningRate: 1, beta1: 0.5) })
        let recorder = EventRecorder()
        l.callbacks = [recorder]
        try l.fitOneCycle(epochs: 2, maxLR: 0.01)
        let schedule = OneCycleSchedule(totalSteps: 8, maxLR: 0.01)
        #expect(l.schedule == schedule)
        #expect(recorder.learningRates == (0..<8).map(schedule.learningRate(at:)))
        #expect(recorder.momenta == (0..<8).map(schedule.momentum(at:)))
        #expect(Swift.abs(recorder.learningRates[0] - 0.01 / 25) < 1e-15)
        #expect(recorder.momenta[0] == 0.95)
        #expect(recorder.learningRates.max() == 0.01)
        // Adam's beta1 is the scheduled momentum.
        let adam = try #require(l.optimizer as? Adam)
        #expect(adam.momentum == schedule.momentum(at: 7))
        #expect(adam.learningRate == schedule.learningRate(at: 7))
    }
}
