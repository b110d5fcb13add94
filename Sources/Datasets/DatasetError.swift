/// An error reading or preparing a data set; every case names the file or folder involved.
///
/// Byte counts for gzip files are counts of decompressed bytes, because that is what the
/// IDX header describes.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A folder that should exist does not.
    case directoryNotFound(path: String)
    /// A file that should exist does not; `path` may list the names that were tried.
    case fileNotFound(path: String)
    /// The file exists but could not be opened or read (permissions, corrupt gzip stream).
    case unreadable(path: String, reason: String)
    /// An IDX file starts with the wrong magic number.
    case badMagic(path: String, expected: UInt32, found: UInt32)
    /// An IDX file is shorter than its header says.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// An IDX file is longer than its header says (probably not the file we meant to read).
    case trailingBytes(path: String, expectedBytes: Int, actualBytes: Int)
    /// The images file and the labels file disagree on the number of items.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// A label is not in `0..<classes`.
    case labelOutOfRange(path: String, index: Int, label: Int, classes: Int)
    /// An image has another shape than the first one (or than the one requested).
    case sizeMismatch(path: String, expected: String, found: String)
    /// A file is neither a PNG nor a JPEG by its contents, or cannot be decoded.
    case corruptImage(path: String, reason: String)
    /// A well-formed image that hookd does not decode (a CMYK JPEG, a GIF, a huge image).
    case unsupportedImage(path: String, reason: String)
    /// A class folder holds no images.
    case emptyClass(path: String)
    /// A split holds no class folders or no images at all.
    case noImages(path: String)
    /// A validation class folder has a name that the training split does not have.
    case unknownClass(path: String, className: String, known: [String])
    /// An argument (batch size, shape, channel count, …) is outside what makes sense.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .directoryNotFound(let path):
            return "directory not found: \(path)"
        case .fileNotFound(let path):
            return "file not found: \(path)"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .badMagic(let path, let expected, let found):
            return "\(path): wrong IDX magic number: expected \(Self.hex(expected)), found \(Self.hex(found))"
        case .truncated(let path, let expected, let actual):
            return "\(path): truncated: header promises \(expected) bytes, file has \(actual)"
        case .trailingBytes(let path, let expected, let actual):
            return "\(path): \(actual - expected) unexpected bytes after the data: header promises \(expected) bytes, file has \(actual)"
        case .countMismatch(let imagesPath, let images, let labelsPath, let labels):
            return "\(imagesPath) has \(images) images but \(labelsPath) has \(labels) labels"
        case .labelOutOfRange(let path, let index, let label, let classes):
            return "\(path): label \(label) at index \(index) is outside 0..<\(classes)"
        case .sizeMismatch(let path, let expected, let found):
            return "\(path): image is \(found), expected \(expected)"
        case .corruptImage(let path, let reason):
            return "\(path): not a readable image: \(reason)"
        case .unsupportedImage(let path, let reason):
            return "\(path): unsupported image: \(reason)"
        case .emptyClass(let path):
            return "class folder has no images (.png, .jpg, .jpeg): \(path)"
        case .noImages(let path):
            return "no class folders with images (.png, .jpg, .jpeg) in \(path)"
        case .unknownClass(let path, let className, let known):
            return "\(path): class '\(className)' is not among the training classes \(known)"
        case .invalidArgument(let message):
            return message
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
