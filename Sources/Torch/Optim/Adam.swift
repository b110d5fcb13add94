import CTorch

/// Adam, or AdamW with `decoupledWeightDecay`, as `torch.optim.Adam` / `torch.optim.AdamW`.
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Double
    /// beta1; one-cycle schedules cycle it as fastai does.
    public var momentum: Double
    public var beta2: Double
    public let eps: Double
    public let weightDecay: Double
    /// AdamW's weight decay (param *= 1 - lr·wd) instead of Adam's L2 term in the gradient.
    public let decoupledWeightDecay: Bool
    public private(set) var stepCount = 0
    private let expAvg: [Tensor]
    private let expAvgSq: [Tensor]

    public init(_ parameters: [Tensor], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                eps: Double = 1e-8, weightDecay: Double = 0, decoupledWeightDecay: Bool = false) throws {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        expAvg = try parameters.map { try Tensor.zeros($0.shape) }
        expAvgSq = try parameters.map { try Tensor.zeros($0.shape) }
    }

    public func step() throws {
        let params: [ct_tensor?] = parameters.map { $0.handle }
        let m: [ct_tensor?] = expAvg.map { $0.handle }
        let v: [ct_tensor?] = expAvgSq.map { $0.handle }
        try check("Adam step", ct_adam_step(params, m, v, Int32(params.count), Int64(stepCount + 1), learningRate,
                                            momentum, beta2, eps, weightDecay, decoupledWeightDecay))
        stepCount += 1
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        expAvg.enumerated().map { ("exp_avg.\($0.offset)", $0.element) }
            + expAvgSq.enumerated().map { ("exp_avg_sq.\($0.offset)", $0.element) }
    }

    public func restore(stepCount: Int) { self.stepCount = stepCount }
}
