/// Average pooling to a fixed output size, as `nn.AdaptiveAvgPool2d`.
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: Pair
    public init(_ outputSize: Pair) {
        self.outputSize = outputSize
        super.init()
    }
    override public func forward(_ input: Tensor) throws -> Tensor { try Functional.adaptiveAvgPool2d(input, size: outputSize) }
}
