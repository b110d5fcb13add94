import Torch

/// A hook's closure threw; names the hooked layer, as `LayerError` does for `forward`.
public struct HookError: Error, CustomStringConvertible {
    /// Dotted path of the hooked module ("" for the root).
    public let path: String
    /// Whether it was a forward or a backward hook.
    public let kind: HookKind
    /// What the closure threw.
    public let underlying: any Error

    /// The error of `kind`'s hook on the module at `path`.
    public init(path: String, kind: HookKind, underlying: any Error) {
        self.path = path
        self.kind = kind
        self.underlying = underlying
    }

    public var description: String {
        "\(kind) hook on layer \(path.isEmpty ? "<root>" : path): \(underlying)"
    }
}
