/// Where training is: epoch, batch inside the epoch, and optimizer steps taken in all.
public struct TrainingPosition: Sendable, Equatable, Codable {
    public var epoch: Int
    /// Batches of `epoch` already trained.
    public var batch: Int
    /// Training batches done since the start of the fit (fastai's `iter` summed over epochs).
    public var iteration: Int

    public init(epoch: Int = 0, batch: Int = 0, iteration: Int = 0) {
        self.epoch = epoch
        self.batch = batch
        self.iteration = iteration
    }
}
