/// One decoded PNG or JPEG as 8-bit gray or RGB, channel-first.
public struct DecodedImage: Sendable, Equatable {
    /// 1 (gray) or 3 (RGB).
    public let channels: Int
    /// Rows.
    public let height: Int
    /// Columns.
    public let width: Int
    /// C×H×W bytes.
    public let pixels: [UInt8]

    /// Decodes `path`, a PNG or a JPEG told apart by its contents (not its name), to `channels`
    /// channels (nil: 1 for gray files, 3 for colour ones).
    ///
    /// PNG alpha is composited onto black and 16-bit PNGs are reduced to 8 bits by libpng. JPEGs
    /// decode with libjpeg-turbo's defaults, as PIL does; gray from a colour JPEG is its luma.
    /// - Throws: `DatasetError` naming `path`: `.corruptImage` when it is no PNG or JPEG or
    ///   cannot be decoded, `.unsupportedImage` for CMYK JPEGs and other formats,
    ///   `.unreadable`, and `.invalidArgument` for a channel count other than 1 or 3.
    public static func read(path: String, channels: Int? = nil) throws -> DecodedImage {
        if let channels, channels != 1 && channels != 3 {
            throw DatasetError.invalidArgument("channels must be 1 (gray) or 3 (RGB), got \(channels)")
        }
        let reader = try ImageFormat.open(path: path)
        let c = channels ?? reader.sourceChannels
        var pixels = [UInt8](repeating: 0, count: c * reader.height * reader.width)
        var scratch = [UInt8]()
        try pixels.withUnsafeMutableBufferPointer { try reader.finish(channels: c, into: $0, scratch: &scratch) }
        return DecodedImage(channels: c, height: reader.height, width: reader.width, pixels: pixels)
    }
}
