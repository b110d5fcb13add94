/// 2-D convolution over (N, C, H, W), as `nn.Conv2d`.
public final class Conv2d: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Pair
    public let stride: Pair
    public let padding: Pair
    public let dilation: Pair
    public let groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Pair, stride: Pair = 1, padding: Pair = 0,
                dilation: Pair = 1, groups: Int = 1, bias: Bool = true) throws {
        guard groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw TorchError("Conv2d", "in (\(inChannels)) and out (\(outChannels)) channels must be divisible by groups (\(groups))")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        super.init()
        let shape = [outChannels, inChannels / groups, kernelSize.height, kernelSize.width]
        let weight = try Tensor.zeros(shape).requiresGrad(true)
        let b = bias ? try Tensor.zeros([outChannels]).requiresGrad(true) : nil
        try Initialization.pytorchDefault(weight: weight, bias: b, fanIn: Initialization.fans(shape).fanIn)
        registerParameter("weight", weight)
        registerParameter("bias", b)
    }

    public var weight: Tensor { parameter("weight")! }
    public var bias: Tensor? { parameter("bias") }

    override public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4 || input.rank == 3, input.shape[input.rank - 3] == inChannels else {
            throw TorchError("Conv2d", "expects input (N, \(inChannels), H, W), got \(input.shape)")
        }
        return try Functional.conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding,
                              dilation: dilation, groups: groups)
    }
}
