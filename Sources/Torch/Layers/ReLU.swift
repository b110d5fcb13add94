/// max(x, 0), as `nn.ReLU`.
public final class ReLU: Module {
    override public init() { super.init() }
    override public func forward(_ input: Tensor) throws -> Tensor { try input.relu() }
}
