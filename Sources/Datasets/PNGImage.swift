import CPNG

/// One decoded PNG as 8-bit gray or RGB, channel-first, through libpng's simplified API.
public struct PNGImage: Sendable {
    /// 1 (gray) or 3 (RGB).
    public let channels: Int
    /// Rows.
    public let height: Int
    /// Columns.
    public let width: Int
    /// C×H×W bytes.
    public let pixels: [UInt8]

    /// Decodes `path` to `channels` channels (nil: 1 for gray files, 3 for colour ones).
    /// Alpha is composited onto black; 16-bit files are reduced to 8 bits by libpng.
    /// - Throws: `DatasetError.corruptImage` naming `path` when libpng cannot read it,
    ///   `.invalidArgument` for a channel count other than 1 or 3.
    public static func read(path: String, channels: Int? = nil) throws -> PNGImage {
        if let channels, channels != 1 && channels != 3 {
            throw DatasetError.invalidArgument("channels must be 1 (gray) or 3 (RGB), got \(channels)")
        }
        let reader = try PNGReader(path: path)
        let c = channels ?? reader.sourceChannels
        var pixels = [UInt8](repeating: 0, count: c * reader.height * reader.width)
        var scratch = [UInt8]()
        try pixels.withUnsafeMutableBufferPointer { try reader.finish(channels: c, into: $0, scratch: &scratch) }
        return PNGImage(channels: c, height: reader.height, width: reader.width, pixels: pixels)
    }
}
