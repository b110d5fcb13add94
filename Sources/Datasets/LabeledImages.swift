/// A split of labelled images held as bytes: `count` images of `channels × height × width`.
///
/// Pixels are channel-first (N×C×H×W), the layout libtorch's convolutions take, so a batch
/// is a copy of contiguous runs. Labels index `classes`.
public struct LabeledImages: ImageSource {
    /// Channels per image (1 gray, 3 RGB).
    public let channels: Int
    /// Rows per image.
    public let height: Int
    /// Columns per image.
    public let width: Int
    /// All pixels, N×C×H×W, 0…255.
    public let pixels: [UInt8]
    /// One label per image, each in `0..<classes.count`.
    public let labels: [Int64]
    /// Class names; a label is an index into this array.
    public let classes: [String]

    /// Wraps pixels and labels after checking that their sizes and label values agree.
    /// - Throws: `DatasetError.invalidArgument` when a size is not positive, `pixels` is not
    ///   `labels.count * channels * height * width` long, or a label is outside the classes.
    public init(channels: Int, height: Int, width: Int, pixels: [UInt8], labels: [Int64], classes: [String]) throws {
        guard channels > 0, height > 0, width > 0 else {
            throw DatasetError.invalidArgument("image shape must be positive, got \(channels)×\(height)×\(width)")
        }
        guard !classes.isEmpty else { throw DatasetError.invalidArgument("a data set needs at least one class") }
        guard pixels.count == labels.count * channels * height * width else {
            throw DatasetError.invalidArgument(
                "\(pixels.count) pixels do not make \(labels.count) images of \(channels)×\(height)×\(width)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classes.count }) {
            throw DatasetError.invalidArgument("label \(labels[bad]) at index \(bad) is outside 0..<\(classes.count)")
        }
        self.init(unchecked: channels, height, width, pixels, labels, classes)
    }

    /// For loaders that have already validated everything (and reported errors by file name).
    init(unchecked channels: Int, _ height: Int, _ width: Int, _ pixels: [UInt8], _ labels: [Int64], _ classes: [String]) {
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
        self.classes = classes
    }

    /// Copies image `index` out of `pixels`.
    public func copyImage(_ index: Int, into slot: UnsafeMutableBufferPointer<UInt8>, buffers: inout ImageBuffers) throws {
        let size = imageSize
        pixels.withUnsafeBufferPointer { slot.baseAddress!.update(from: $0.baseAddress! + index * size, count: size) }
    }
}
