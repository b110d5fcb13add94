import Datasets
import Foundation
import Torch

/// fastai's `Learner`: a model, its data, an optimizer and a loss, trained by `fit` with callbacks.
///
/// ```swift
/// let learner = try Learner(model: model, data: bunch, optimizer: Adam(model.parameters()))
/// learner.callbacks.append(ActivationStats())
/// let metrics = try learner.fitOneCycle(epochs: 1, maxLR: 3e-3)
/// ```
/// A learner and its model belong to one thread or serial queue; only `stopSignal` may be
/// used from elsewhere.
public final class Learner {
    public let model: Module
    public let data: DataBunch
    public let optimizer: Optimizer
    public var lossFunction: (Tensor, Tensor) throws -> Tensor
    public var callbacks: [LearnerCallback] = []
    /// Set from any thread to stop at the next batch boundary; `fit` then returns early.
    public let stopSignal = StopSignal()
    /// A planned end: the fit stops once `position.iteration` reaches it (`--max-batches`).
    /// Unlike a stop signal it is known ahead, so every rank of a data-parallel run stops
    /// exactly there; a signal stops them a batch after the request at most.
    public var stopAtIteration: Int?
    /// A data-parallel run's agreement at every batch boundary (`TrainingJob` sets it): a stop
    /// asked on any rank, or a failure of any rank, then ends every rank at the same batch.
    public var rankSync: RankSync?

    /// Where training is; callbacks read it (e.g. the batch a stats row belongs to).
    public private(set) var position = TrainingPosition()
    /// Epochs of the current fit.
    public private(set) var epochCount = 0
    /// Whether the loop is in a training batch (false while validating).
    public private(set) var isTraining = false
    /// Loss of the last training batch.
    public private(set) var lastLoss = Double.nan
    /// The learning-rate/momentum schedule of the current fit, if any.
    public private(set) var schedule: OneCycleSchedule?
    /// Metrics of every finished epoch of the current fit.
    public private(set) var history: [EpochMetrics] = []
    /// What ends the fit once the current batch has ended (`failAtBatchEnd`).
    private var pendingFailure: Error?
    /// Whether the ranks agreed to stop at the last batch boundary (with a `rankSync`).
    private var agreedStop = false

    public init(model: Module, data: DataBunch, optimizer: Optimizer,
                lossFunction: @escaping (Tensor, Tensor) throws -> Tensor = { try Functional.crossEntropy($0, target: $1) }) {
        self.model = model
        self.data = data
        self.optimizer = optimizer
        self.lossFunction = lossFunction
    }

    /// Trains with fastai's one-cycle schedule over all of the fit's steps.
    @discardableResult
    public func fitOneCycle(epochs: Int, maxLR: Double, from start: TrainingPosition = .init()) throws -> [EpochMetrics] {
        let schedule = OneCycleSchedule(totalSteps: epochs * data.train.batchCount, maxLR: maxLR)
        return try fit(epochs: epochs, schedule: schedule, from: start)
    }

    /// Trains for `epochs` epochs at the optimizer's learning rate, or along `schedule`.
    ///
    /// - Parameter start: resume point; the loader's per-epoch order is deterministic, so the
    ///   remaining batches of `start.epoch` are exactly those not yet trained.
    /// - Returns: the metrics of the epochs finished in this call (fewer when stopped).
    @discardableResult
    public func fit(epochs: Int, schedule: OneCycleSchedule? = nil, from start: TrainingPosition = .init()) throws -> [EpochMetrics] {
        epochCount = epochs
        self.schedule = schedule
        position = start
        history = []
        pendingFailure = nil
        agreedStop = false
        rankSync?.beginFit()
        try each { try $0.beginFit(self) }
        var failure: Error?
        do {
            for epoch in start.epoch..<epochs {
                let skip = epoch == start.epoch ? start.batch : 0
                guard let metrics = try runEpoch(epoch, skippingFirst: skip) else { break }
                history.append(metrics)
                position = TrainingPosition(epoch: epoch + 1, batch: 0, iteration: position.iteration)
                if stopsHere { break }
            }
        } catch {
            failure = error
        }
        isTraining = false
        // endFit reaches every callback even after a failure, so hooks are always removed.
        for callback in callbacks {
            do { try callback.endFit(self) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
        return history
    }

    /// Whether the last fit stopped early through `stopSignal` or `stopAtIteration` (on any
    /// rank, with a `rankSync`).
    public var wasStopped: Bool { stopsHere }

    /// Ends the fit with `error` at the end of the current batch, after every callback's
    /// `endBatch`; in a data-parallel run at the end of the next batch, once the ranks have
    /// agreed (`RankSync`), so every rank ends there and the statistics reach rank 0. The first
    /// failure wins.
    public func failAtBatchEnd(_ error: Error) {
        if pendingFailure == nil { pendingFailure = error }
    }

    /// Whether the fit stops at this batch boundary: when asked to, or in a data-parallel run
    /// when the ranks agreed to, whenever each rank's own request arrived.
    private var stopsHere: Bool {
        guard rankSync == nil else { return agreedStop }
        return stopSignal.isRequested || reachesPlannedEnd(within: 0)
    }

    /// Whether `stopAtIteration` is reached once `batches` more batches have ended (the current
    /// one counts while it runs).
    func reachesPlannedEnd(within batches: Int) -> Bool {
        stopAtIteration.map { position.iteration + batches >= $0 } ?? false
    }

    /// One epoch: training batches from `skip` on, then validation. Nil when stopped mid-epoch.
    private func runEpoch(_ epoch: Int, skippingFirst skip: Int) throws -> EpochMetrics? {
        position.epoch = epoch
        position.batch = skip
        model.train()
        try each { try $0.beginEpoch(self) }
        let started = DispatchTime.now()
        var lossSum = 0.0, batches = 0, images = 0
        let batchesOfEpoch = data.train.epoch(epoch, startingAt: skip)
        defer { batchesOfEpoch.cancel() }
        while let batch = try batchesOfEpoch.next() {
            try trainBatch(batch)
            lossSum += lastLoss
            batches += 1
            images += batch.count
            if stopsHere { return nil }
        }
        let trainSeconds = seconds(since: started)
        try each { try $0.beginValidate(self) }
        let (validLoss, accuracy) = try validate()
        let metrics = EpochMetrics(epoch: epoch, trainLoss: batches > 0 ? lossSum / Double(batches) : .nan,
                                   validLoss: validLoss, accuracy: accuracy, seconds: seconds(since: started),
                                   imagesPerSecond: trainSeconds > 0 ? Double(images) / trainSeconds : 0)
        try each { try $0.endEpoch(self, metrics: metrics) }
        return metrics
    }

    private func trainBatch(_ batch: Batch) throws {
        if let schedule {
            optimizer.learningRate = schedule.learningRate(at: position.iteration)
            optimizer.momentum = schedule.momentum(at: position.iteration)
        }
        isTraining = true
        let (x, y) = try batch.tensors()
        try each { try $0.beginBatch(self) }
        let output = try model(x)
        let loss = try lossFunction(output, y)
        try each { try $0.afterLoss(self, loss: loss) }
        try optimizer.zeroGrad()
        try loss.backward()
        try each { try $0.afterBackward(self) }
        try optimizer.step()
        lastLoss = try loss.item()
        // Callbacks see a non-finite batch before it ends the fit: its statistics are the
        // evidence, and a health rule may stop the run with a better account of it.
        try each { try $0.endBatch(self) }
        if !lastLoss.isFinite {
            failAtBatchEnd(TorchError("training", "loss became \(lastLoss) at epoch \(position.epoch) batch \(position.batch)"))
        }
        try settleBatch()
        isTraining = false
        position.batch += 1
        position.iteration += 1
    }

    /// Loss and accuracy over the validation set, in eval mode without gradients.
    public func validate() throws -> (loss: Double, accuracy: Double) {
        model.eval()
        defer { model.train() }
        var lossSum = 0.0, correct = 0.0, count = 0
        let epoch = data.valid.epoch(0)
        defer { epoch.cancel() }
        try withNoGrad {
            while let batch = try epoch.next() {
                let (x, y) = try batch.tensors()
                let output = try model(x)
                lossSum += try lossFunction(output, y).item() * Double(batch.count)
                correct += try output.argmax(dim: 1).eq(y).sum().item()
                count += batch.count
            }
        }
        guard count > 0 else { return (.nan, .nan) }
        return (lossSum / Double(count), correct / Double(count))
    }

    /// The end of a batch for good: a pending failure ends the fit, in a data-parallel run once
    /// the ranks have agreed on it (with stops and rows for rank 0).
    private func settleBatch() throws {
        if let rankSync {
            agreedStop = try rankSync.agree(self, failure: pendingFailure)
        } else if let pendingFailure {
            throw pendingFailure
        }
    }

    private func each(_ body: (LearnerCallback) throws -> Void) throws {
        for callback in callbacks { try body(callback) }
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
