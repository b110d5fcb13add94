/// tanh(x), as `nn.Tanh`.
public final class Tanh: Module {
    override public init() { super.init() }
    override public func forward(_ input: Tensor) throws -> Tensor { try input.tanh() }
}
