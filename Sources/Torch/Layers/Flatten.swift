/// Flattens dimensions `startDim` through `endDim`, as `nn.Flatten` (by default every one after
/// the batch dimension, as fastai's `Flatten`).
public final class Flatten: Module {
    public let startDim: Int
    public let endDim: Int
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }
    override public func forward(_ input: Tensor) throws -> Tensor { try input.flattened(from: startDim, to: endDim) }
}
