import CJPEG

/// An open libjpeg-turbo read: the header is parsed in `init`, pixels in `decodeInterleaved`.
///
/// Every libjpeg call happens inside CJPEG's C shim (`hookd_jpeg_*`), because libjpeg reports
/// errors by longjmp and a longjmp must never cross Swift frames; the shim hands back a status
/// and a message instead. Its state lives in one block the shim allocates, at a fixed address,
/// because libjpeg keeps pointers into it.
///
/// Gray and colour (YCbCr or RGB) JPEGs, baseline or progressive, are read. CMYK and YCCK
/// files (print workflows) are refused: libjpeg does not convert them to RGB.
final class JPEGReader: ImageReader {
    let path: String
    let height: Int
    let width: Int
    let sourceChannels: Int
    private let decoder: UnsafeMutablePointer<hookd_jpeg>

    init(path: String) throws {
        guard let decoder = hookd_jpeg_open(path) else {
            throw DatasetError.unreadable(path: path, reason: "out of memory for a JPEG decoder")
        }
        // deinit does not run when init throws, so each failure below closes the decoder itself.
        let message = String(cString: hookd_jpeg_message(decoder))
        guard message.isEmpty else {
            hookd_jpeg_close(decoder)
            throw DatasetError.corruptImage(path: path, reason: message)
        }
        let space = decoder.pointee.color_space
        let channels: Int? = switch space {
        case JCS_GRAYSCALE: 1
        case JCS_YCbCr, JCS_RGB: 3
        default: nil
        }
        guard let channels else {
            let what = space == JCS_CMYK || space == JCS_YCCK
                ? "a CMYK JPEG" : "a JPEG with \(decoder.pointee.components) components in an unknown colour space"
            hookd_jpeg_close(decoder)
            throw DatasetError.unsupportedImage(
                path: path, reason: "\(what); only gray and RGB JPEGs are read, convert it to RGB first")
        }
        self.path = path
        self.decoder = decoder
        height = Int(decoder.pointee.height)
        width = Int(decoder.pointee.width)
        sourceChannels = channels
    }

    deinit { hookd_jpeg_close(decoder) }

    /// Gray from a colour file is libjpeg's luma (the Y of YCbCr, as `torchvision.io.decode_jpeg`
    /// gives in gray mode); RGB from a gray file repeats the gray, as PIL's `convert("RGB")` does.
    func decodeInterleaved(channels: Int, into hwc: UnsafeMutablePointer<UInt8>) throws {
        precondition(channels == 1 || channels == 3, "JPEG output is gray (1) or RGB (3)")
        guard hookd_jpeg_decode(decoder, Int32(channels), hwc) == 0 else {
            throw DatasetError.corruptImage(path: path, reason: String(cString: hookd_jpeg_message(decoder)))
        }
    }
}
