import Torch

/// fastai's `simple_cnn`: one stride-2 `ConvLayer` per step of `channels`, then average pool and flatten.
///
/// Batch norm goes on every layer but the last, as in fastai; `[1, 16, 32, 64, 10]` with batch
/// norm has 29,178 parameters (29,066 without).
public func simpleCNN(channels: [Int], kernelSizes: [Int]? = nil, strides: [Int]? = nil, batchNorm: Bool = false) throws -> Sequential {
    let count = channels.count - 1
    guard count >= 1 else { throw TorchError("simple_cnn", "channels needs at least two entries, got \(channels)") }
    let kernels = kernelSizes ?? Array(repeating: 3, count: count)
    let steps = strides ?? Array(repeating: 2, count: count)
    guard kernels.count == count, steps.count == count else {
        throw TorchError("simple_cnn", "kernel_sizes and strides need \(count) entries each")
    }
    var layers: [Module] = []
    for i in 0..<count {
        layers.append(try ConvLayer(channels[i], channels[i + 1], kernelSize: kernels[i], stride: steps[i],
                                    batchNorm: batchNorm && i < count - 1))
    }
    layers.append(PoolFlatten())
    return Sequential(layers)
}

/// fastai's `PoolFlatten`: adaptive average pool to 1x1, then flatten.
public final class PoolFlatten: Module {
    override public init() {
        super.init()
        register("0", AdaptiveAvgPool2d(1))
        register("1", Flatten())
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try children[1].module(children[0].module(input))
    }
}
