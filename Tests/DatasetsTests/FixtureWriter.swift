import CPNG
import CZlib
import Foundation

/// Writes the files the readers are tested on, with the C libraries themselves (zlib's
/// gzwrite, libpng's simplified writer), so the tests need no checked-in binaries.
enum FixtureWriter {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// IDX bytes: big-endian magic and dims, then the payload.
    static func idxBytes(magic: UInt32, dims: [Int], payload: [UInt8]) -> [UInt8] {
        var bytes = bigEndian(magic)
        for d in dims { bytes += bigEndian(UInt32(d)) }
        return bytes + payload
    }

    static func writeIDX(_ path: String, magic: UInt32, dims: [Int], payload: [UInt8], gzip: Bool) throws {
        try write(path, idxBytes(magic: magic, dims: dims, payload: payload), gzip: gzip)
    }

    /// Writes `bytes` as is, or gzip-compressed through zlib.
    static func write(_ path: String, _ bytes: [UInt8], gzip: Bool) throws {
        guard gzip else {
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw Failure(description: "cannot create \(path)")
            }
            return
        }
        guard let file = gzopen(path, "wb") else { throw Failure(description: "gzopen \(path) failed") }
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        let closed = gzclose(file)
        guard written == Int32(bytes.count) || bytes.isEmpty, closed == Z_OK else {
            throw Failure(description: "gzwrite \(path) failed")
        }
    }

    /// Writes an 8-bit gray (1) or RGB (3) PNG from interleaved H×W×C bytes.
    static func writePNG(_ path: String, width: Int, height: Int, channels: Int, hwc: [UInt8]) throws {
        precondition(hwc.count == width * height * channels)
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = channels == 3 ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0
        let ok = hwc.withUnsafeBytes { png_image_write_to_file(&image, path, 0, $0.baseAddress, 0, nil) }
        guard ok != 0 else { throw Failure(description: "png_image_write_to_file \(path) failed") }
    }

    /// Pixels that differ per image, channel, row and column, so misplaced bytes show.
    static func pattern(count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ seed &* 11 &+ 5) }
    }

    static func bytes(of path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
