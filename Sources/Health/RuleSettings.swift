/// One rule's effective settings; a rule reads only its own `AlertRule.parameters`.
public struct RuleSettings: Sendable, Equatable {
    public var enabled: Bool
    public var action: AlertAction
    public var threshold: Double
    public var window: Int
    public var factor: Double
    public var baseline: Int
    public var warmUp: Int
    public var share: Double

    /// Settings; what a rule does not read keeps a neutral value.
    public init(enabled: Bool = true, action: AlertAction = .warn, threshold: Double = 0, window: Int = 1,
                factor: Double = 1, baseline: Int = 1, warmUp: Int = 0, share: Double = 1) {
        self.enabled = enabled
        self.action = action
        self.threshold = threshold
        self.window = window
        self.factor = factor
        self.baseline = baseline
        self.warmUp = warmUp
        self.share = share
    }

    /// The value of `parameter`, as a Double.
    public subscript(parameter: RuleParameter) -> Double {
        get {
            switch parameter {
            case .threshold: threshold
            case .window: Double(window)
            case .factor: factor
            case .baseline: Double(baseline)
            case .warmUp: Double(warmUp)
            case .share: share
            }
        }
        set {
            switch parameter {
            case .threshold: threshold = newValue
            case .window: window = Int(newValue)
            case .factor: factor = newValue
            case .baseline: baseline = Int(newValue)
            case .warmUp: warmUp = Int(newValue)
            case .share: share = newValue
            }
        }
    }
}
