/// torchvision's ResNet `BasicBlock`: conv3x3-bn-relu-conv3x3-bn, plus the (downsampled) input, relu.
///
/// Children follow torchvision's names and order (`conv1`, `bn1`, `relu`, `conv2`, `bn2`,
/// `downsample`), so state dicts and summaries line up with PyTorch's.
public final class BasicBlock: Module {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let relu = ReLU()
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let downsample: Sequential?

    /// A block from `inplanes` to `planes` channels; a stride or width change adds a 1x1 downsample.
    public init(inplanes: Int, planes: Int, stride: Int = 1) throws {
        conv1 = try Conv2d(inplanes, planes, kernelSize: 3, stride: .square(stride), padding: 1, bias: false)
        bn1 = try BatchNorm2d(planes)
        conv2 = try Conv2d(planes, planes, kernelSize: 3, padding: 1, bias: false)
        bn2 = try BatchNorm2d(planes)
        downsample = stride != 1 || inplanes != planes
            ? Sequential(try Conv2d(inplanes, planes, kernelSize: 1, stride: .square(stride), bias: false), try BatchNorm2d(planes))
            : nil
        super.init()
        register("conv1", conv1)
        register("bn1", bn1)
        register("relu", relu)
        register("conv2", conv2)
        register("bn2", bn2)
        if let downsample { register("downsample", downsample) }
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        var out = try relu(bn1(conv1(input)))
        out = try bn2(conv2(out))
        let identity = try downsample?(input) ?? input
        return try relu(out + identity)
    }
}
