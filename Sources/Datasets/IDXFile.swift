/// One IDX file (the MNIST layout) of unsigned bytes, read whole, gzip'd or plain.
///
/// Layout: a big-endian magic number `0x000008DD` (`08` = unsigned byte, `DD` = number of
/// dimensions), `DD` big-endian 32-bit sizes, then the bytes in row-major order.
public struct IDXFile: Sendable {
    /// Which of the two MNIST file kinds is expected; each has its own magic number.
    public enum Kind: Sendable {
        /// `idx1-ubyte`: one dimension (item count), magic 0x00000801.
        case labels
        /// `idx3-ubyte`: three dimensions (count, rows, columns), magic 0x00000803.
        case images

        /// The magic number a file of this kind starts with.
        public var magic: UInt32 { self == .labels ? 0x0000_0801 : 0x0000_0803 }
        var rank: Int { self == .labels ? 1 : 3 }
    }

    /// The file this was read from.
    public let path: String
    /// Sizes from the header, outermost first (`[count]` or `[count, rows, columns]`).
    public let dimensions: [Int]
    /// The payload, `dimensions.reduce(1, *)` bytes.
    public let bytes: [UInt8]

    /// Reads and checks a whole IDX file; gzip is detected by zlib, not by the file name.
    /// - Throws: `DatasetError` `.fileNotFound`, `.unreadable`, `.badMagic`, `.truncated`
    ///   or `.trailingBytes`, each naming `path`.
    public static func read(path: String, kind: Kind) throws -> IDXFile {
        let reader = try GzipReader(path: path)
        let headerSize = 4 + 4 * kind.rank
        let magicBytes = try reader.readExactly(4, expectedTotal: headerSize)
        let magic = bigEndian(magicBytes, at: 0)
        guard magic == kind.magic else {
            throw DatasetError.badMagic(path: path, expected: kind.magic, found: magic)
        }
        let dimBytes = try reader.readExactly(4 * kind.rank, expectedTotal: headerSize)
        let dimensions = (0..<kind.rank).map { Int(bigEndian(dimBytes, at: 4 * $0)) }
        var payload = 1
        for d in dimensions {
            let (product, overflow) = payload.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw DatasetError.unreadable(path: path, reason: "header dimensions \(dimensions) are too large")
            }
            payload = product
        }
        let expectedTotal = headerSize + payload
        let bytes = try reader.readExactly(payload, expectedTotal: expectedTotal)
        let extra = try reader.countRemaining()
        guard extra == 0 else {
            throw DatasetError.trailingBytes(path: path, expectedBytes: expectedTotal, actualBytes: expectedTotal + extra)
        }
        return IDXFile(path: path, dimensions: dimensions, bytes: bytes)
    }

    private static func bigEndian(_ bytes: [UInt8], at i: Int) -> UInt32 {
        UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
    }
}
