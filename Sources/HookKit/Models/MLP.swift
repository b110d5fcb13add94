import Torch

/// A multi-layer perceptron over flattened inputs: Flatten, then Linear/activation pairs, ending in Linear.
///
/// `layers` are the sizes, e.g. `[784, 200, 10]`; `activation` is ReLU unless given (a deep
/// sigmoid stack is the textbook vanishing gradient).
public func mlp(layers: [Int], activation: () -> Module = { ReLU() }) throws -> Sequential {
    guard layers.count >= 2 else { throw TorchError("mlp", "layers needs at least two sizes, got \(layers)") }
    var modules: [Module] = [Flatten()]
    for i in 0..<(layers.count - 1) {
        modules.append(try Linear(layers[i], layers[i + 1]))
        if i < layers.count - 2 { modules.append(activation()) }
    }
    return Sequential(modules)
}
