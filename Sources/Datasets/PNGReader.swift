import CPNG

/// An open libpng simplified-API read: the header is parsed in `init`, pixels in `decodeInterleaved`.
///
/// Contract (png.h): after a successful `png_image_begin_read_*` the `png_image` owns
/// memory that `png_image_finish_read` releases; on any failure libpng frees it itself;
/// if we stop between the two calls we must call `png_image_free`.
///
/// libpng keeps the address of the `png_image` (its error handler finds the jump buffer
/// through it), so the struct lives at a fixed heap address, never in a movable Swift value:
/// a moved struct turned a decode error into `abort()` inside libpng.
final class PNGReader: ImageReader {
    let path: String
    private let image: UnsafeMutablePointer<png_image>
    private var finished = false

    init(path: String) throws {
        self.path = path
        image = .allocate(capacity: 1)
        image.initialize(to: png_image())
        image.pointee.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(image, path) != 0 else {
            finished = true
            throw DatasetError.corruptImage(path: path, reason: Self.message(of: image))
        }
    }

    deinit {
        if !finished { png_image_free(image) }
        image.deallocate()
    }

    var height: Int { Int(image.pointee.height) }
    var width: Int { Int(image.pointee.width) }
    /// Channels of the stored file once alpha is dropped: 3 for colour, 1 for gray.
    var sourceChannels: Int { image.pointee.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1 }

    /// Alpha is composited onto black; 16-bit files are reduced to 8 bits by libpng.
    func decodeInterleaved(channels: Int, into hwc: UnsafeMutablePointer<UInt8>) throws {
        precondition(channels == 1 || channels == 3, "PNG output is gray (1) or RGB (3)")
        // PNG_FORMAT_RGB is PNG_FORMAT_FLAG_COLOR; PNG_FORMAT_GRAY is 0 (no flags).
        image.pointee.format = channels == 3 ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0
        var black = png_color(red: 0, green: 0, blue: 0)
        finished = true
        guard png_image_finish_read(image, &black, hwc, 0, nil) != 0 else {
            throw DatasetError.corruptImage(path: path, reason: Self.message(of: image))
        }
    }

    private static func message(of image: UnsafeMutablePointer<png_image>) -> String {
        var copy = image.pointee.message
        let text = withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return text.isEmpty ? "libpng could not decode it" : text
    }
}
