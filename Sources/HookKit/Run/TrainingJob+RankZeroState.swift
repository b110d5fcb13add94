import Torch

extension TrainingJob {
    /// Makes this rank's training position and optimizer state (e.g. Adam's moments and step)
    /// rank 0's, through `group`: what a resumed data-parallel run needs besides the parameters
    /// and buffers `DataParallel` broadcasts at the start of the fit, since only rank 0 keeps a
    /// checkpoint. Every rank calls it after the rendezvous and before the first batch.
    ///
    /// - Parameter position: where this rank would start (rank 0: its checkpoint's position).
    /// - Returns: rank 0's position, where every rank starts.
    /// - Throws: `TorchError` when the broadcast fails (a rank died, or the ranks' specs build
    ///   optimizers of different shapes).
    public func takeRankZeroState(from position: TrainingPosition, through group: ProcessGroup) throws -> TrainingPosition {
        let counters = try Tensor(int64: [position.epoch, position.batch, position.iteration, optimizer.stepCount].map(Int64.init),
                                  shape: [4])
        try group.broadcast([counters] + optimizer.stateTensors().map(\.tensor), from: 0)
        let values = try counters.int64s().map(Int.init)
        optimizer.restore(stepCount: values[3])
        return TrainingPosition(epoch: values[0], batch: values[1], iteration: values[2])
    }
}
