/// A failure inside a module's forward, naming the layer by path and type.
public struct LayerError: Error, CustomStringConvertible, Sendable {
    /// Dotted path of the failing module from the root model ("" for the root).
    public let path: String
    /// The module's type, e.g. `Conv2d`.
    public let type: String
    /// libtorch's error.
    public let underlying: TorchError

    public var description: String {
        "layer \(path.isEmpty ? "<root>" : path) (\(type)): \(underlying)"
    }
}
