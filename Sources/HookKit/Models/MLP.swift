import Torch

/// A multi-layer perceptron over flattened inputs: Flatten, then Linear/ReLU pairs, ending in Linear.
///
/// `layers` are the sizes, e.g. `[784, 200, 10]`.
public func mlp(layers: [Int]) throws -> Sequential {
    guard layers.count >= 2 else { throw TorchError("mlp", "layers needs at least two sizes, got \(layers)") }
    var modules: [Module] = [Flatten()]
    for i in 0..<(layers.count - 1) {
        modules.append(try Linear(layers[i], layers[i + 1]))
        if i < layers.count - 2 { modules.append(ReLU()) }
    }
    return Sequential(modules)
}
