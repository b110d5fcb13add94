/// One batch of normalised images and their labels, ready to become tensors.
public struct Batch: Sendable {
    /// Position of this batch in its epoch, from 0.
    public let index: Int
    /// The epoch it belongs to.
    public let epoch: Int
    /// `[count, channels, height, width]`.
    public let shape: [Int]
    /// `(pixel/255 - mean[c]) / std[c]`, laid out as `shape`.
    public let inputs: [Float]
    /// One label per image.
    public let labels: [Int64]
    /// Which images of the split these are, in batch order.
    public let sampleIndices: [Int]

    /// Images in the batch (the last one of an epoch may be short).
    public var count: Int { labels.count }
}
