import CTorch
import Foundation

/// PyTorch state_dict files: what `torch.save(model.state_dict(), f)` writes (the zip format,
/// an `OrderedDict` or plain `dict` of tensors) and what `torch.load` reads back.
public enum StateDictFile {
    /// The named tensors of `url`, in the file's order.
    ///
    /// - Throws: `TorchError` naming the file and what is wrong with it: missing, not a zip,
    ///   a legacy (pre-1.6) pickle, truncated, or holding something other than tensors.
    public static func read(_ url: URL) throws -> [(name: String, tensor: Tensor)] {
        var handle: ct_state_dict?
        guard ct_state_dict_read(url.path, &handle) == CT_OK, let dict = handle else {
            throw TorchError("state_dict", "\(url.path): \(String(cString: ct_last_error()))")
        }
        defer { ct_state_dict_free(dict) }
        return try (0..<ct_state_dict_count(dict)).map { index in
            let name = String(cString: ct_state_dict_name(dict, index))
            return (name, try make("state_dict \(name)") { ct_state_dict_tensor(dict, index, $0) })
        }
    }

    /// `tensors` as a dict in torch.save's zip format.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)]) throws -> Data {
        var bytes: ct_bytes?
        let handles: [ct_tensor?] = tensors.map(\.tensor.handle)
        let status = withCStrings(tensors.map(\.name)) { names in
            ct_state_dict_encode(names, handles, Int32(tensors.count), &bytes)
        }
        guard status == CT_OK, let buffer = bytes else { throw TorchError.last("state_dict encode") }
        defer { ct_bytes_free(buffer) }
        return Data(bytes: ct_bytes_data(buffer), count: ct_bytes_count(buffer))
    }

    /// Writes `tensors` to `url` atomically, for `torch.load`.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], to url: URL) throws {
        try AtomicFile.write(try encode(tensors), to: url)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return body(copies.map { UnsafePointer($0) })
    }
}
