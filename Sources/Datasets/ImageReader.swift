/// An image file opened for decoding: the header is read when it is opened, the pixels by `finish`.
///
/// PNG and JPEG readers share this shape so that a loader can check an image's size before
/// paying for its pixels, and so that both lay out pixels the same way. Open one with
/// `ImageFormat.open(path:)`, which picks the reader by the file's contents.
protocol ImageReader: AnyObject {
    /// The file, for error messages.
    var path: String { get }
    /// Rows.
    var height: Int { get }
    /// Columns.
    var width: Int { get }
    /// Channels of the stored image: 3 for colour, 1 for gray.
    var sourceChannels: Int { get }
    /// Decodes into `hwc`, `height * width * channels` bytes interleaved row by row
    /// (what libpng and libjpeg write). Called at most once.
    func decodeInterleaved(channels: Int, into hwc: UnsafeMutablePointer<UInt8>) throws
}

extension ImageReader {
    /// Decodes into `output` (C×H×W, exactly `channels * height * width` bytes), using
    /// `scratch` for the decoder's interleaved H×W×C rows so repeated calls reuse one buffer.
    func finish(channels: Int, into output: UnsafeMutableBufferPointer<UInt8>, scratch: inout [UInt8]) throws {
        precondition(channels == 1 || channels == 3, "images decode to gray (1) or RGB (3)")
        precondition(output.count == channels * height * width)
        if channels == 1 {
            // Gray is interleaved and planar at once: decode straight into the output.
            try decodeInterleaved(channels: 1, into: output.baseAddress!)
            return
        }
        let plane = height * width
        if scratch.count < 3 * plane { scratch = [UInt8](repeating: 0, count: 3 * plane) }
        try scratch.withUnsafeMutableBufferPointer { try decodeInterleaved(channels: 3, into: $0.baseAddress!) }
        scratch.withUnsafeBufferPointer { rgb in
            for i in 0..<plane {
                output[i] = rgb[3 * i]
                output[plane + i] = rgb[3 * i + 1]
                output[2 * plane + i] = rgb[3 * i + 2]
            }
        }
    }
}
