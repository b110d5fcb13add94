/// The start of one alert episode: a rule found a condition on a layer (or the loss).
public struct AlertEvent: Sendable, Equatable {
    public var rule: AlertRule
    /// The module path; `loss` for the training loss.
    public var path: String
    public var kind: SignalKind
    /// The global training batch the episode started at.
    public var batch: Int
    public var epoch: Int
    /// The value that crossed the threshold (NaN or ±Inf for `non_finite`).
    public var value: Double
    /// The limit it crossed; NaN where the rule has none (`non_finite`).
    public var threshold: Double
    public var action: AlertAction
    /// One line for people: the rule, the layer, the batch, the value.
    public var message: String

    /// An event.
    public init(rule: AlertRule, path: String, kind: SignalKind, batch: Int, epoch: Int, value: Double,
                threshold: Double, action: AlertAction, message: String) {
        self.rule = rule
        self.path = path
        self.kind = kind
        self.batch = batch
        self.epoch = epoch
        self.value = value
        self.threshold = threshold
        self.action = action
        self.message = message
    }
}
