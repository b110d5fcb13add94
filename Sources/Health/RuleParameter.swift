/// A tunable setting of a rule, as a spec's key names it.
public enum RuleParameter: String, CaseIterable, Sendable {
    /// vanishing_gradient: the `abs_mean` below which a gradient counts as vanished.
    case threshold
    /// Consecutive recorded batches the condition must hold to fire, and be false to re-arm.
    case window
    /// exploding, loss_divergence: how many times the reference value counts as too large.
    case factor
    /// exploding: recorded batches whose median is the layer's reference.
    case baseline
    /// loss_divergence: batches before the loss is judged.
    case warmUp = "warm_up"
    /// saturated, dead_units: the share of a layer above which it counts as affected.
    case share

    /// Whether the setting is a count of batches (an integer) rather than a real number.
    public var isCount: Bool { self == .window || self == .baseline || self == .warmUp }
}
