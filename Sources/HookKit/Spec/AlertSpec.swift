import Health

/// `alerts` (run spec, daemon config): per-rule overrides such as
/// `[{"rule": "exploding", "factor": 50, "action": "stop"}, {"rule": "saturated", "enabled": false}]`.
///
/// Strict like the rest of the spec: an unknown rule, a key the rule does not read, or a value
/// out of range is rejected with its JSON path.
public enum AlertSpec {
    /// Parses an `alerts` list found at `path`.
    public static func parse(_ items: [JSONValue], path: String) throws -> [RuleOverride] {
        try items.enumerated().map { index, item in
            try parse(JSONObjectReader(item, path: "\(path)[\(index)]"))
        }
    }

    /// The `alerts` list of `reader`, if given.
    public static func parse(in reader: JSONObjectReader) throws -> [RuleOverride]? {
        try reader.array("alerts").map { try parse($0, path: reader.child("alerts")) }
    }

    private static func parse(_ r: JSONObjectReader) throws -> RuleOverride {
        let name = try r.requiredString("rule")
        guard let rule = AlertRule(name: name) else {
            throw SpecError(path: r.child("rule"), message: "unknown rule \"\(name)\"; one of \(AlertRule.allCases.map(\.name).joined(separator: ", "))")
        }
        var override = RuleOverride(rule: rule, enabled: try r.bool("enabled"), action: try r.choice("action", AlertAction.self))
        for parameter in rule.parameters {
            let value = parameter.isCount
                ? try r.int(parameter.rawValue, range: parameter == .warmUp ? 0...100_000_000 : 1...100_000_000).map(Double.init)
                : try r.double(parameter.rawValue, range: parameter == .share ? 0...1 : 0...1e300)
            if let value { override.parameters[parameter] = value }
        }
        try r.finish()
        return override
    }
}
