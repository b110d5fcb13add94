import Datasets
import Torch

/// fastai's `DataBunch`: the training and validation loaders of one data set.
public struct DataBunch: Sendable {
    public let train: DataLoader
    public let valid: DataLoader
    /// Class names, in label order.
    public let classes: [String]

    public init(train: DataLoader, valid: DataLoader, classes: [String]) {
        self.train = train
        self.valid = valid
        self.classes = classes
    }

    /// One image's shape (C, H, W).
    public var inputShape: [Int] { [train.data.channels, train.data.height, train.data.width] }
}

extension Batch {
    /// The inputs as a float32 (N, C, H, W) tensor and the labels as int64.
    public func tensors() throws -> (inputs: Tensor, targets: Tensor) {
        (try Tensor(inputs, shape: shape), try Tensor(int64: labels, shape: [labels.count]))
    }
}
