import CTorch

/// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, as `torch.optim.SGD`.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Double
    public var momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool
    public private(set) var stepCount = 0
    private let buffers: [Tensor]

    public init(_ parameters: [Tensor], learningRate: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) throws {
        guard !nesterov || (momentum > 0 && dampening == 0) else {
            throw TorchError("SGD", "Nesterov momentum requires a momentum and zero dampening")
        }
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = try parameters.map { try Tensor.zeros($0.shape) }
    }

    public func step() throws {
        let params: [ct_tensor?] = parameters.map { $0.handle }
        let bufs: [ct_tensor?] = buffers.map { $0.handle }
        try check("SGD step", ct_sgd_step(params, bufs, Int32(params.count), learningRate, momentum, dampening,
                                          weightDecay, nesterov, stepCount == 0))
        stepCount += 1
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        buffers.enumerated().map { ("momentum_buffer.\($0.offset)", $0.element) }
    }

    public func restore(stepCount: Int) { self.stepCount = stepCount }
}
