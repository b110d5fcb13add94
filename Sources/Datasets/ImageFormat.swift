import Foundation

/// The image formats the loaders decode, told apart by a file's first bytes (its signature),
/// not by its name: a PNG saved as `photo.jpg`, common in scraped data sets, still reads.
enum ImageFormat: Sendable, CaseIterable {
    case png, jpeg

    /// File name extensions, lowercased, that image folders read; other files are skipped.
    static let fileExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// PIL's decompression-bomb limit (`2 * Image.MAX_IMAGE_PIXELS`): a header claiming more
    /// is corrupt or hostile, and decoding it would exhaust memory instead of failing clearly.
    static let maxPixels = 178_956_970

    /// The bytes every file of this format starts with.
    var signature: [UInt8] {
        switch self {
        case .png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        case .jpeg: [0xFF, 0xD8, 0xFF]
        }
    }

    /// Opens `path` with the reader its contents call for, header read.
    /// - Throws: `DatasetError` naming `path`: `.unreadable` when it cannot be opened,
    ///   `.unsupportedImage` for another image format or an image too large to decode,
    ///   `.corruptImage` when it is no image or its header is broken.
    static func open(path: String) throws -> any ImageReader {
        let head = try firstBytes(of: path, count: 12)
        let reader: any ImageReader
        switch allCases.first(where: { head.starts(with: $0.signature) }) {
        case .png: reader = try PNGReader(path: path)
        case .jpeg: reader = try JPEGReader(path: path)
        case nil:
            if let other = otherFormat(head) {
                throw DatasetError.unsupportedImage(path: path, reason: "a \(other) image; only PNG and JPEG are read")
            }
            let hex = head.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw DatasetError.corruptImage(
                path: path, reason: head.isEmpty ? "the file is empty" : "neither PNG nor JPEG data (starts with \(hex))")
        }
        guard reader.height * reader.width <= maxPixels else {
            throw DatasetError.unsupportedImage(
                path: path, reason: "\(reader.height)×\(reader.width) is more than \(maxPixels) pixels")
        }
        return reader
    }

    /// Formats that image files in the wild often are under a `.jpg` name, so the error can say which.
    private static func otherFormat(_ head: [UInt8]) -> String? {
        let ascii = String(decoding: head, as: UTF8.self)
        if ascii.hasPrefix("GIF8") { return "GIF" }
        if ascii.hasPrefix("RIFF") && head.count >= 12 && String(decoding: head[8..<12], as: UTF8.self) == "WEBP" { return "WebP" }
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "TIFF" }
        return nil
    }

    private static func firstBytes(of path: String, count: Int) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, count, file) }
        guard read == count || ferror(file) == 0 else {
            throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        return Array(bytes.prefix(read))
    }
}
