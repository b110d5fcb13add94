/// One thread's reusable working memory for decoding and augmenting images, so a loader
/// allocates per worker, not per image.
public struct ImageBuffers {
    /// A decoder's interleaved H×W×C rows.
    var interleaved: [UInt8] = []
    /// An image at its own size, before it is resized.
    var original: [UInt8] = []
    /// An augmentation's intermediate image.
    var augmented: [UInt8] = []

    /// Empty buffers; they grow to the largest image met.
    public init() {}

    /// `buffer` grown to at least `count` bytes.
    static func reserve(_ buffer: inout [UInt8], _ count: Int) {
        if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
    }
}
