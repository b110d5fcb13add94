/// Max pooling to a fixed output size, as `nn.AdaptiveMaxPool2d`.
public final class AdaptiveMaxPool2d: Module {
    public let outputSize: Pair
    public init(_ outputSize: Pair) {
        self.outputSize = outputSize
        super.init()
    }
    override public func forward(_ input: Tensor) throws -> Tensor { try Functional.adaptiveMaxPool2d(input, size: outputSize) }
}
