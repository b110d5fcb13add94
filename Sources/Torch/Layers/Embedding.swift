/// A lookup table of `count` vectors of size `dimension`, as `nn.Embedding`.
public final class Embedding: Module {
    public let count: Int
    public let dimension: Int
    /// Row that gets no gradient and starts at zero (nil for none).
    public let paddingIndex: Int?

    public init(_ count: Int, _ dimension: Int, paddingIndex: Int? = nil) throws {
        self.count = count
        self.dimension = dimension
        self.paddingIndex = paddingIndex
        super.init()
        let weight = try Tensor.randn([count, dimension]).requiresGrad(true)
        if let paddingIndex {
            try withNoGrad { try weight.selecting(dim: 0, index: paddingIndex).zero() }
        }
        registerParameter("weight", weight)
    }

    /// The (count, dimension) table; assigning ties it to another module's tensor.
    public var weight: Tensor {
        get { parameter("weight")! }
        set { registerParameter("weight", newValue) }
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try Functional.embedding(input, weight: weight, paddingIndex: paddingIndex ?? -1)
    }
}
