/// max(x, 0) + negative_slope · min(x, 0), as `nn.LeakyReLU`.
public final class LeakyReLU: Module {
    public let negativeSlope: Double
    public init(negativeSlope: Double = 0.01) {
        self.negativeSlope = negativeSlope
        super.init()
    }
    override public func forward(_ input: Tensor) throws -> Tensor {
        try Functional.leakyReLU(input, negativeSlope: negativeSlope)
    }
}
