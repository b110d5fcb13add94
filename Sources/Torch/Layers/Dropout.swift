/// Zeroes elements with probability `p` while training, as `nn.Dropout`.
public final class Dropout: Module {
    public let p: Double
    public init(_ p: Double = 0.5) throws {
        guard (0...1).contains(p) else { throw TorchError("Dropout", "probability must be in [0, 1], got \(p)") }
        self.p = p
        super.init()
    }
    override public func forward(_ input: Tensor) throws -> Tensor {
        try Functional.dropout(input, p: p, training: isTraining)
    }
}
