/// The settings of every rule for one run: defaults, then the daemon's, then the spec's.
public struct HealthPolicy: Sendable, Equatable {
    private var settings: [RuleSettings] = AlertRule.allCases.map(\.defaults)

    /// Defaults with `overrides` applied in order (later entries win).
    public init(_ overrides: [RuleOverride] = []) {
        for override in overrides { self[override.rule] = override.applied(to: self[override.rule]) }
    }

    /// The settings of `rule`.
    public subscript(rule: AlertRule) -> RuleSettings {
        get { settings[rule.rawValue] }
        set { settings[rule.rawValue] = newValue }
    }

    /// True when any rule is on (no rule: no per-batch work at all).
    public var anyEnabled: Bool { settings.contains(where: \.enabled) }
}
