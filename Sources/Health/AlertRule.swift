/// A training-health rule: what it watches, the settings it reads, and its defaults.
///
/// Defaults follow SageMaker Debugger's built-in rules, the closest public anchor (issue 11).
public enum AlertRule: Int, CaseIterable, Sendable, Hashable, Comparable {
    case nonFinite
    /// Judged on layers that are or feed a ReLU, from the fused kernel's per-channel activity.
    case deadUnits
    case vanishingGradient
    case exploding
    case lossDivergence
    case saturated

    /// The name in specs, the `alerts` table, JSON and metrics labels.
    public var name: String {
        switch self {
        case .nonFinite: "non_finite"
        case .deadUnits: "dead_units"
        case .vanishingGradient: "vanishing_gradient"
        case .exploding: "exploding"
        case .lossDivergence: "loss_divergence"
        case .saturated: "saturated"
        }
    }

    /// The rule called `name`, if any.
    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// The threshold keys a spec may set for this rule (besides `rule`, `action`, `enabled`).
    public var parameters: [RuleParameter] {
        switch self {
        case .nonFinite: [.window]
        case .deadUnits: [.share, .window]
        case .vanishingGradient: [.threshold, .window]
        case .exploding: [.factor, .baseline, .window]
        case .lossDivergence: [.factor, .window, .warmUp]
        case .saturated: [.share, .window]
        }
    }

    /// What the rule does unless configured otherwise.
    public var defaults: RuleSettings {
        switch self {
        // A NaN poisons every later batch: stopping saves the hours that would follow.
        case .nonFinite: RuleSettings(action: .stop, window: 1)
        case .deadUnits: RuleSettings(window: 100, share: 0.5)
        case .vanishingGradient: RuleSettings(threshold: 1e-7, window: 10)
        case .exploding: RuleSettings(window: 1, factor: 100, baseline: 50)
        case .lossDivergence: RuleSettings(window: 20, factor: 3, warmUp: 50)
        case .saturated: RuleSettings(window: 100, share: 0.95)
        }
    }

    public static func < (a: AlertRule, b: AlertRule) -> Bool { a.rawValue < b.rawValue }
}
