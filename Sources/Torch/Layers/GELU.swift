/// x · Φ(x), as `nn.GELU`; `tanhApproximation` is PyTorch's `approximate="tanh"`.
public final class GELU: Module {
    public let tanhApproximation: Bool
    public init(tanhApproximation: Bool = false) {
        self.tanhApproximation = tanhApproximation
        super.init()
    }
    override public func forward(_ input: Tensor) throws -> Tensor {
        try Functional.gelu(input, tanhApproximation: tanhApproximation)
    }
}
