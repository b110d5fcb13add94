import Torch

/// Builds the model a `ModelSpec` describes, checked against the data it will see.
public enum ModelFactory {
    /// - Parameters:
    ///   - inputShape: one image (C, H, W).
    ///   - classes: classes in the data; the model's outputs must match.
    public static func make(_ spec: ModelSpec, inputShape: [Int], classes: Int) throws -> Module {
        switch spec.arch {
        case .simpleCNN:
            let channels = spec.channels ?? []
            try expect(channels.first == inputShape[0], "$.model.channels[0]",
                       "is \(channels.first ?? 0) but the images have \(inputShape[0]) channel(s)")
            try expect(channels.last == classes, "$.model.channels[\(channels.count - 1)]",
                       "is \(channels.last ?? 0) but the data has \(classes) classes")
            return try simpleCNN(channels: channels, kernelSizes: spec.kernelSizes, strides: spec.strides, batchNorm: spec.batchNorm)
        case .mlp:
            let layers = spec.layers ?? []
            let features = inputShape.reduce(1, *)
            try expect(layers.first == features, "$.model.layers[0]",
                       "is \(layers.first ?? 0) but one image has \(features) values (\(inputShape.map(String.init).joined(separator: "x")))")
            try expect(layers.last == classes, "$.model.layers[\(layers.count - 1)]", "is \(layers.last ?? 0) but the data has \(classes) classes")
            return try mlp(layers: layers) { spec.activation == .sigmoid ? Sigmoid() : ReLU() }
        case .resnet18, .resnet34:
            let n = spec.classes ?? classes
            try expect(n == classes, "$.model.classes", "is \(n) but the data has \(classes) classes")
            let model = try CNNModel(arch: spec.arch == .resnet18 ? .resnet18 : .resnet34, classes: n, inChannels: inputShape[0])
            if spec.frozen { try model.freezeBody() }
            return model
        case .sequential:
            let model = try sequentialModel(spec.sequentialLayers ?? [])
            try checkShapes(model, spec.sequentialLayers ?? [], inputShape: inputShape, classes: classes)
            return model
        }
    }

    /// Runs a batch of two dummy images through `model` (eval mode, no gradients), so a layer that
    /// does not fit its input fails now, named by JSON path, module path and both shapes.
    private static func checkShapes(_ model: Module, _ layers: [LayerSpec], inputShape: [Int], classes: Int) throws {
        let output: Tensor
        do {
            output = try evaluating(model) { try model(try Tensor.zeros([2] + inputShape)) }
        } catch let error as LayerError {
            let path = LayerSpec.jsonPath(ofModule: error.path, in: layers, base: "$.model.layers") ?? "$.model.layers"
            throw SpecError(path: path, message: "layer \(error.path) (\(error.type)) \(error.underlying.message) for input images of shape \(inputShape)")
        }
        try expect(output.shape == [2, classes], "$.model.layers",
                   "the model outputs \(output.shape) for a batch of 2 images but must output [2, \(classes)] (the data has \(classes) classes)")
    }

    private static func expect(_ condition: Bool, _ path: String, _ message: String) throws {
        if !condition { throw SpecError(path: path, message: message) }
    }
}
