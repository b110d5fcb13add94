import Foundation

/// Named tensors plus metadata (epoch, batch, optimizer step…), saved atomically to one file.
///
/// Layout: the 8-byte magic `HOOKDCK1`, a little-endian UInt64 header length, a JSON header
/// (`metadata` and, per tensor, name, dtype, shape and byte offset), then the raw little-endian
/// data. Saving writes a temporary file, fsyncs it and renames it over the target, so a crash
/// leaves either the old checkpoint or the new one, never a torn file.
public struct Checkpoint {
    public var tensors: [(name: String, tensor: Tensor)]
    public var metadata: [String: String]

    public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    static let magic = Array("HOOKDCK1".utf8)

    struct Header: Codable {
        struct Entry: Codable {
            var name: String
            var dtype: String
            var shape: [Int]
            var offset: Int
            var bytes: Int
        }
        var metadata: [String: String]
        var entries: [Entry]
    }

    /// Writes the checkpoint to `url` atomically.
    public func save(to url: URL) throws {
        var payload = [UInt8]()
        var entries: [Header.Entry] = []
        for (name, tensor) in tensors {
            let bytes: [UInt8]
            let dtype: String
            switch tensor.dtype {
            case .int64, .bool, .uint8:
                bytes = try tensor.int64s().withUnsafeBytes { Array($0) }
                dtype = "int64"
            case .float32, .float64:
                bytes = try tensor.floats().withUnsafeBytes { Array($0) }
                dtype = "float32"
            }
            entries.append(.init(name: name, dtype: dtype, shape: tensor.shape, offset: payload.count, bytes: bytes.count))
            payload.append(contentsOf: bytes)
        }
        let header = try JSONEncoder().encode(Header(metadata: metadata, entries: entries))
        var file = Self.magic
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: header)
        file.append(contentsOf: payload)
        try AtomicFile.write(Data(file), to: url)
    }

    /// Reads a checkpoint written by `save(to:)`; a torn or foreign file is a clear error.
    public static func load(from url: URL) throws -> Checkpoint {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TorchError("checkpoint", "cannot read \(url.path): \(error.localizedDescription)")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic else {
            throw TorchError("checkpoint", "\(url.path) is not a hookd checkpoint")
        }
        let headerLength = bytes[8..<16].withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        guard headerLength <= bytes.count - 16 else { throw TorchError("checkpoint", "\(url.path) is truncated") }
        let header = try JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]))
        let base = 16 + headerLength
        var tensors: [(String, Tensor)] = []
        for entry in header.entries {
            guard entry.offset >= 0, entry.bytes >= 0, base + entry.offset + entry.bytes <= bytes.count else {
                throw TorchError("checkpoint", "\(url.path) is truncated at \(entry.name)")
            }
            let slice = bytes[(base + entry.offset)..<(base + entry.offset + entry.bytes)]
            let tensor: Tensor = try slice.withUnsafeBytes { raw in
                if entry.dtype == "int64" {
                    return try Tensor(int64: Array(raw.bindMemory(to: Int64.self)), shape: entry.shape)
                }
                return try Tensor(Array(raw.bindMemory(to: Float.self)), shape: entry.shape)
            }
            tensors.append((entry.name, tensor))
        }
        return Checkpoint(tensors: tensors, metadata: header.metadata)
    }

    /// The tensors by name.
    public var dictionary: [String: Tensor] {
        Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }
}
