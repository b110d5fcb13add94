/// One entry of an `alerts` list (run spec or daemon config): a rule and what it changes.
public struct RuleOverride: Sendable, Equatable {
    public var rule: AlertRule
    public var enabled: Bool?
    public var action: AlertAction?
    /// Parameter values given, each one of `rule.parameters`.
    public var parameters: [RuleParameter: Double]

    /// An override of `rule`.
    public init(rule: AlertRule, enabled: Bool? = nil, action: AlertAction? = nil, parameters: [RuleParameter: Double] = [:]) {
        self.rule = rule
        self.enabled = enabled
        self.action = action
        self.parameters = parameters
    }

    /// `settings` with what this override gives.
    public func applied(to settings: RuleSettings) -> RuleSettings {
        var result = settings
        if let enabled { result.enabled = enabled }
        if let action { result.action = action }
        for (parameter, value) in parameters { result[parameter] = value }
        return result
    }
}
