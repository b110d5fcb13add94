import Foundation
import Torch

extension TrainingJob {
    /// Saves weights, buffers, optimizer state and the position atomically to `url`.
    public func saveCheckpoint(to url: URL, position: TrainingPosition) throws {
        var tensors = model.stateDict().map { ("model.\($0.name)", $0.tensor) }
        tensors += optimizer.stateTensors().map { ("optimizer.\($0.name)", $0.tensor) }
        var metadata = [
            "epoch": String(position.epoch), "batch": String(position.batch), "iteration": String(position.iteration),
            "optimizer_steps": String(optimizer.stepCount),
        ]
        for (path, module) in model.namedModules() {
            if let norm = module as? BatchNorm { metadata["bn_batches.\(path)"] = String(norm.batchesTracked) }
        }
        try Checkpoint(tensors: tensors, metadata: metadata).save(to: url)
    }

    /// Restores what `saveCheckpoint` wrote and returns the position to resume from.
    public func restoreCheckpoint(from url: URL) throws -> TrainingPosition {
        let checkpoint = try Checkpoint.load(from: url)
        let values = checkpoint.dictionary
        var modelState: [String: Tensor] = [:]
        for (name, tensor) in values where name.hasPrefix("model.") { modelState[String(name.dropFirst(6))] = tensor }
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
        for (path, module) in model.namedModules() {
            if let norm = module as? BatchNorm, let n = Int(m["bn_batches.\(path)"] ?? "") { norm.restoreBatchesTracked(n) }
        }
        guard let epoch = Int(m["epoch"] ?? ""), let batch = Int(m["batch"] ?? ""), let iteration = Int(m["iteration"] ?? "") else {
            throw TorchError("checkpoint", "\(url.path) has no training position")
        }
        return TrainingPosition(epoch: epoch, batch: batch, iteration: iteration)
    }
}
