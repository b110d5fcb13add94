/// y = x Wᵀ + b, as `nn.Linear`.
public final class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) throws {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        let weight = try Tensor.zeros([outFeatures, inFeatures]).requiresGrad(true)
        let b = bias ? try Tensor.zeros([outFeatures]).requiresGrad(true) : nil
        try Initialization.pytorchDefault(weight: weight, bias: b, fanIn: inFeatures)
        registerParameter("weight", weight)
        registerParameter("bias", b)
    }

    /// The (out, in) weight; assigning ties it to another module's tensor.
    public var weight: Tensor {
        get { parameter("weight")! }
        set { registerParameter("weight", newValue) }
    }

    public var bias: Tensor? { parameter("bias") }

    override public func forward(_ input: Tensor) throws -> Tensor {
        // Checked here so the error names both shapes, not libtorch's matrix sizes.
        guard input.shape.last == inFeatures else {
            throw TorchError("Linear", "expects input (*, \(inFeatures)), got \(input.shape)")
        }
        return try Functional.linear(input, weight: weight, bias: bias)
    }
}
