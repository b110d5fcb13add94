/// Where a loader's images come from: bytes already in memory (`LabeledImages`) or files
/// decoded on demand (`ImageFiles`). Every image has the split's one shape, C×H×W bytes.
public protocol ImageSource: Sendable {
    /// Channels per image (1 gray, 3 RGB).
    var channels: Int { get }
    /// Rows per image.
    var height: Int { get }
    /// Columns per image.
    var width: Int { get }
    /// One label per image, each in `0..<classes.count`.
    var labels: [Int64] { get }
    /// Class names; a label is an index into this array.
    var classes: [String] { get }

    /// Writes image `index` into `slot` (exactly `imageSize` bytes, C×H×W); `buffers` are the
    /// calling thread's reusable working memory. Safe to call from several threads at once.
    /// - Throws: `DatasetError` naming the file when the image cannot be read.
    func copyImage(_ index: Int, into slot: UnsafeMutableBufferPointer<UInt8>, buffers: inout ImageBuffers) throws
}

extension ImageSource {
    /// Number of images.
    public var count: Int { labels.count }
    /// Bytes per image (`channels * height * width`).
    public var imageSize: Int { channels * height * width }
    /// The shape of one image, `[channels, height, width]`.
    public var shape: [Int] { [channels, height, width] }
}
