import CPNG

/// An open libpng simplified-API read: the header is parsed in `init`, pixels in `finish`.
///
/// Contract (png.h): after a successful `png_image_begin_read_*` the `png_image` owns
/// memory that `png_image_finish_read` releases; on any failure libpng frees it itself;
/// if we stop between the two calls we must call `png_image_free`.
///
/// libpng keeps the address of the `png_image` (its error handler finds the jump buffer
/// through it), so the struct lives at a fixed heap address, never in a movable Swift value:
/// a moved struct turned a decode error into `abort()` inside libpng.
final class PNGReader {
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

    /// Decodes into `output` (C×H×W, exactly `channels * height * width` bytes), using
    /// `scratch` for libpng's interleaved H×W×C rows so repeated calls reuse one buffer.
    func finish(channels: Int, into output: UnsafeMutableBufferPointer<UInt8>, scratch: inout [UInt8]) throws {
        precondition(channels == 1 || channels == 3, "PNG output is gray (1) or RGB (3)")
        precondition(output.count == channels * height * width)
        // PNG_FORMAT_RGB is PNG_FORMAT_FLAG_COLOR; PNG_FORMAT_GRAY is 0 (no flags).
        image.pointee.format = channels == 3 ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0
        var black = png_color(red: 0, green: 0, blue: 0)
        finished = true
        if channels == 1 {
            // Gray is interleaved and planar at once: decode straight into the output.
            guard png_image_finish_read(image, &black, output.baseAddress, 0, nil) != 0 else {
                throw DatasetError.corruptImage(path: path, reason: Self.message(of: image))
            }
            return
        }
        let plane = height * width
        if scratch.count < 3 * plane { scratch = [UInt8](repeating: 0, count: 3 * plane) }
        let ok = scratch.withUnsafeMutableBufferPointer { png_image_finish_read(image, &black, $0.baseAddress, 0, nil) }
        guard ok != 0 else { throw DatasetError.corruptImage(path: path, reason: Self.message(of: image)) }
        scratch.withUnsafeBufferPointer { rgb in
            for i in 0..<plane {
                output[i] = rgb[3 * i]
                output[plane + i] = rgb[3 * i + 1]
                output[2 * plane + i] = rgb[3 * i + 2]
            }
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
