/// Appends fixed-width little-endian values and length-prefixed strings to a byte buffer: the
/// wire form of the rows a rank sends rank 0 (`RankRows`).
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    var count: Int { bytes.count }

    mutating func append(_ value: UInt8) { bytes.append(value) }

    mutating func append(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Double) { append(Int64(bitPattern: value.bitPattern)) }

    mutating func append(_ value: String) {
        let utf8 = Array(value.utf8)
        append(Int64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Forgets everything written.
    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }
}
