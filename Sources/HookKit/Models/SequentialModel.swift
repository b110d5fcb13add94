import Torch

/// Builds the `Sequential` a `sequential` spec's layer list describes, children numbered as
/// PyTorch's `nn.Sequential` numbers them, so the twin has the same `state_dict` keys.
///
/// - Parameter path: the list's JSON path, for errors (`$.model.layers`).
/// - Throws: `SpecError` naming the layer's JSON path when a layer cannot be built.
public func sequentialModel(_ layers: [LayerSpec], path: String = "$.model.layers") throws -> Sequential {
    Sequential(try layers.enumerated().map { index, layer in try layer.module(path: "\(path)[\(index)]") })
}

extension LayerSpec {
    /// The module of this layer; `path` is its JSON path, for errors.
    func module(path: String) throws -> Module {
        do {
            switch self {
            case let .conv2d(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias):
                return try Conv2d(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                                  dilation: dilation, groups: groups, bias: bias)
            case let .batchNorm(dims, features, eps, momentum, affine, track):
                return dims == 1
                    ? try BatchNorm1d(features, eps: eps, momentum: momentum, affine: affine, trackRunningStats: track)
                    : try BatchNorm2d(features, eps: eps, momentum: momentum, affine: affine, trackRunningStats: track)
            case let .linear(inFeatures, outFeatures, bias): return try Linear(inFeatures, outFeatures, bias: bias)
            case .relu: return ReLU()
            case .sigmoid: return Sigmoid()
            case .tanh: return Tanh()
            case .leakyReLU(let slope): return LeakyReLU(negativeSlope: slope)
            case .gelu(let tanh): return GELU(tanhApproximation: tanh)
            case let .maxPool2d(kernelSize, stride, padding, dilation, ceilMode):
                return MaxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
            case let .avgPool2d(kernelSize, stride, padding, ceilMode, countIncludePad):
                return AvgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                                 countIncludePad: countIncludePad)
            case .adaptiveAvgPool2d(let size): return AdaptiveAvgPool2d(size)
            case .adaptiveConcatPool2d(let size): return AdaptiveConcatPool2d(size)
            case let .flatten(startDim, endDim): return Flatten(startDim: startDim, endDim: endDim)
            case .dropout(let p): return try Dropout(p)
            case let .embedding(count, dimension, paddingIndex):
                return try Embedding(count, dimension, paddingIndex: paddingIndex)
            case .sequential(let layers):
                return try sequentialModel(layers, path: "\(path).Sequential")
            case let .residual(body, shortcut):
                return Residual(body: try sequentialModel(body, path: "\(path).Residual.body"),
                                shortcut: try shortcut.map { try sequentialModel($0, path: "\(path).Residual.shortcut") })
            }
        } catch let error as TorchError {
            throw SpecError(path: path, message: error.message)
        }
    }
}
