import Torch

/// What loading `model.weights` did: how many tensors came from the file, and which keys were
/// left out (only ever non-empty with `weights_strict: false`).
public struct WeightsReport: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var loaded: Int
    public var left: StateDictKeys

    public var description: String {
        "loaded \(loaded) tensors from \(file)" + (left.isEmpty ? "" : "; not loaded (weights_strict false): \(left)")
    }
}
