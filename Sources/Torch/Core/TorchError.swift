import CTorch

/// An error reported by libtorch (through the C shim) or by hookd's engine.
public struct TorchError: Error, CustomStringConvertible, Sendable {
    /// The operation that failed, e.g. `conv2d`.
    public let operation: String
    /// libtorch's own message, or hookd's.
    public let message: String

    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    /// The error of the last failing shim call on this thread.
    static func last(_ operation: String) -> TorchError {
        TorchError(operation, String(cString: ct_last_error()))
    }

    public var description: String { "\(operation): \(message)" }
}

/// Runs a shim call that reports a status; a failure becomes a thrown `TorchError`.
@inline(__always)
func check(_ operation: @autoclosure () -> String, _ status: Int32) throws {
    if status != CT_OK { throw TorchError.last(operation()) }
}

/// Runs a shim call that returns a new (+1) tensor through an out-parameter.
@inline(__always)
func make(_ operation: @autoclosure () -> String, _ body: (UnsafeMutablePointer<ct_tensor?>) -> Int32) throws -> Tensor {
    var out: ct_tensor?
    let status = body(&out)
    guard status == CT_OK, let handle = out else { throw TorchError.last(operation()) }
    return Tensor(owning: handle)
}
