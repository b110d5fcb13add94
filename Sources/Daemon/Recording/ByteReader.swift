/// Reads what `ByteWriter` wrote, refusing to read past the end (a truncated or foreign frame).
struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private var offset: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    var isAtEnd: Bool { offset == bytes.endIndex }

    mutating func uint8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func int64() throws -> Int64 {
        try need(8)
        defer { offset += 8 }
        return bytes[offset..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int64($1) }
    }

    mutating func double() throws -> Double { Double(bitPattern: UInt64(bitPattern: try int64())) }

    mutating func string() throws -> String {
        let count = try int64()
        guard count >= 0, count <= bytes.endIndex - offset else { throw Truncated(offset: offset) }
        defer { offset += Int(count) }
        return String(decoding: bytes[offset..<(offset + Int(count))], as: UTF8.self)
    }

    private func need(_ count: Int) throws {
        if bytes.endIndex - offset < count { throw Truncated(offset: offset) }
    }

    /// The frame ended before the value at `offset`.
    struct Truncated: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "a rank's rows end in the middle of a value at byte \(offset)" }
    }
}
