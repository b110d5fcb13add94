/// 1 / (1 + e^-x), as `nn.Sigmoid`.
public final class Sigmoid: Module {
    override public init() { super.init() }
    override public func forward(_ input: Tensor) throws -> Tensor { try input.sigmoid() }
}
