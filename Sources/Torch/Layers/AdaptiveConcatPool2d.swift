/// fastai's `AdaptiveConcatPool2d`: max and average pooling, concatenated on channels (max first).
///
/// Children are `ap` then `mp`, as fastai registers them, so summaries list them in that order.
public final class AdaptiveConcatPool2d: Module {
    public let ap: AdaptiveAvgPool2d
    public let mp: AdaptiveMaxPool2d

    public init(_ outputSize: Pair = 1) {
        ap = AdaptiveAvgPool2d(outputSize)
        mp = AdaptiveMaxPool2d(outputSize)
        super.init()
        register("ap", ap)
        register("mp", mp)
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try Tensor.cat([mp(input), ap(input)], dim: 1)
    }
}
