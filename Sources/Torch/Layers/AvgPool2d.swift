/// Average pooling over (N, C, H, W), as `nn.AvgPool2d` (stride defaults to the kernel size).
public final class AvgPool2d: Module {
    public let kernelSize: Pair
    public let stride: Pair
    public let padding: Pair
    public let ceilMode: Bool
    public let countIncludePad: Bool

    public init(kernelSize: Pair, stride: Pair? = nil, padding: Pair = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        super.init()
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try Functional.avgPool2d(input, kernel: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                                 countIncludePad: countIncludePad)
    }
}
