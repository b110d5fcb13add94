/// Flattens every dimension after the batch one, as fastai's `Flatten` / `nn.Flatten()`.
public final class Flatten: Module {
    override public init() { super.init() }
    override public func forward(_ input: Tensor) throws -> Tensor { try input.flattened(from: 1) }
}
