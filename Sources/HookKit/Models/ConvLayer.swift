import Torch

/// fastai v2.7's `ConvLayer`: Conv2d, then BatchNorm2d (optional), then ReLU.
///
/// The convolution has a bias only without batch norm; padding is (ks - 1) / 2. Initialisation
/// follows fastai's `init_linear`: kaiming-uniform weight, N(0, 0.01) bias, and batch norm with
/// weight 1 and bias 1e-3.
public final class ConvLayer: Module {
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int = 3, stride: Int = 1, batchNorm: Bool = true) throws {
        super.init()
        let conv = try Conv2d(inChannels, outChannels, kernelSize: .square(kernelSize), stride: .square(stride),
                              padding: .square((kernelSize - 1) / 2), bias: !batchNorm)
        try withNoGrad {
            let fanIn = Initialization.fans(conv.weight.shape).fanIn
            let bound = (6.0 / Double(max(fanIn, 1))).squareRoot()
            try conv.weight.fillUniform(-bound, bound)
            try conv.bias?.fillNormal(mean: 0, std: 0.01)
        }
        register("0", conv)
        if batchNorm {
            let norm = try BatchNorm2d(outChannels)
            try withNoGrad { try norm.bias?.fill(1e-3) }
            register("1", norm)
        }
        register(batchNorm ? "2" : "1", ReLU())
    }

    override public var typeName: String { "ConvLayer" }

    override public func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        for (_, layer) in children { x = try layer(x) }
        return x
    }
}
