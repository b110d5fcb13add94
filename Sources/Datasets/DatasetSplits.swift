/// A training split and a validation split that share one image shape and one class list.
public struct DatasetSplits: Sendable {
    /// Images to train on.
    public let train: LabeledImages
    /// Images to measure on (MNIST's `t10k`, an image folder's `valid`).
    public let valid: LabeledImages

    /// Pairs two splits.
    /// - Throws: `DatasetError.invalidArgument` when their shapes or classes differ.
    public init(train: LabeledImages, valid: LabeledImages) throws {
        guard train.shape == valid.shape else {
            throw DatasetError.invalidArgument("train images are \(train.shape) but valid images are \(valid.shape)")
        }
        guard train.classes == valid.classes else {
            throw DatasetError.invalidArgument("train classes \(train.classes) differ from valid classes \(valid.classes)")
        }
        self.train = train
        self.valid = valid
    }

    /// Class names shared by both splits.
    public var classes: [String] { train.classes }
}
