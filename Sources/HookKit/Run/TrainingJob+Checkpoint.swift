import Foundation
import Torch

extension TrainingJob {
    /// The prefix of the model's tensors in a checkpoint (the optimizer's are `optimizer.`).
    static let modelPrefix = "model."
    /// Batch norm counters in the metadata of checkpoints from before `num_batches_tracked`.
    static let legacyBatchesPrefix = "bn_batches."

    /// The model's state dict stored in a checkpoint, in torch.save's format: what `hookd
    /// export` writes and `GET /runs/{id}/weights` answers, for `torch.load`.
    public static func exportWeights(fromCheckpoint url: URL) throws -> Data {
        let model = try Checkpoint.load(from: url).tensors.filter { $0.name.hasPrefix(modelPrefix) }
        guard !model.isEmpty else { throw TorchError("checkpoint", "\(url.path) holds no model weights") }
        return try StateDictFile.encode(model.map { (String($0.name.dropFirst(modelPrefix.count)), $0.tensor) })
    }

    /// Saves weights, buffers, optimizer state and the position atomically to `url`.
    public func saveCheckpoint(to url: URL, position: TrainingPosition) throws {
        var tensors = model.stateDict().map { (Self.modelPrefix + $0.name, $0.tensor) }
        tensors += optimizer.stateTensors().map { ("optimizer.\($0.name)", $0.tensor) }
        let metadata = [
            "epoch": String(position.epoch), "batch": String(position.batch), "iteration": String(position.iteration),
            "optimizer_steps": String(optimizer.stepCount),
        ]
        try Checkpoint(tensors: tensors, metadata: metadata).save(to: url)
    }

    /// Restores what `saveCheckpoint` wrote and returns the position to resume from.
    public func restoreCheckpoint(from url: URL) throws -> TrainingPosition {
        let checkpoint = try Checkpoint.load(from: url)
        let values = checkpoint.dictionary
        var modelState: [String: Tensor] = [:]
        for (name, tensor) in values where name.hasPrefix(Self.modelPrefix) { modelState[String(name.dropFirst(Self.modelPrefix.count))] = tensor }
        // Checkpoints written before batch norm's counter became a buffer kept it in metadata;
        // an interrupted run from an older hookd must still resume.
        for (key, text) in checkpoint.metadata where key.hasPrefix(Self.legacyBatchesPrefix) {
            let name = String(key.dropFirst(Self.legacyBatchesPrefix.count)) + ".num_batches_tracked"
            if modelState[name] == nil, let count = Int64(text) {
                let counter = try Tensor.zeros([], dtype: .int64)
                try counter.add(Double(count))
                modelState[name] = counter
            }
        }
        try model.loadStateDict(modelState)
        try withNoGrad {
            for (name, tensor) in optimizer.stateTensors() {
                guard let saved = values["optimizer.\(name)"], saved.shape == tensor.shape else {
                    throw TorchError("checkpoint", "optimizer state \(name) is missing or has another shape")
                }
                try tensor.copy(from: saved)
            }
        }
        let m = checkpoint.metadata
        optimizer.restore(stepCount: Int(m["optimizer_steps"] ?? "") ?? 0)
        guard let epoch = Int(m["epoch"] ?? ""), let batch = Int(m["batch"] ?? ""), let iteration = Int(m["iteration"] ?? "") else {
            throw TorchError("checkpoint", "\(url.path) has no training position")
        }
        return TrainingPosition(epoch: epoch, batch: batch, iteration: iteration)
    }
}
