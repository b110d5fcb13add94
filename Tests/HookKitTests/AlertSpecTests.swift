import Foundation
import Health
import HookKit
import Testing

/// `alerts` in a run spec: per-rule overrides, strict like the rest of the spec.
@Suite struct AlertSpecTests {
    private func spec(alerts: String) throws -> RunSpec {
        try RunSpec.parse(Data(#"{"model": {"arch": "mlp", "layers": [784, 10]}, "data": {"format": "synthetic"}, "alerts": \#(alerts)}"#.utf8))
    }

    @Test func overridesApplyOverTheDefaults() throws {
        let parsed = try spec(alerts: #"""
            [{"rule": "exploding", "factor": 50, "baseline": 20, "action": "stop"},
             {"rule": "saturated", "enabled": false}, {"rule": "loss_divergence", "warm_up": 0, "window": 5}]
            """#)
        let policy = HealthPolicy(parsed.alerts)
        #expect(policy[.exploding].factor == 50 && policy[.exploding].baseline == 20 && policy[.exploding].action == .stop)
        #expect(!policy[.saturated].enabled)
        #expect(policy[.lossDivergence].warmUp == 0 && policy[.lossDivergence].window == 5 && policy[.lossDivergence].factor == 3)
        #expect(policy[.nonFinite].action == .stop && policy[.vanishingGradient].threshold == 1e-7)
        #expect(try spec(alerts: "[]").alerts.isEmpty)
    }

    @Test(arguments: [
        (#"[{"rule": "nan"}]"#, "$.alerts[0].rule"),
        (#"[{"factor": 2}]"#, "$.alerts[0].rule"),
        (#"[{"rule": "exploding"}, {"rule": "non_finite", "factor": 2}]"#, "$.alerts[1].factor"),
        (#"[{"rule": "saturated", "share": 1.5}]"#, "$.alerts[0].share"),
        (#"[{"rule": "vanishing_gradient", "window": 0}]"#, "$.alerts[0].window"),
        (#"[{"rule": "exploding", "action": "panic"}]"#, "$.alerts[0].action"),
        (#"{"rule": "exploding"}"#, "$.alerts"),
    ])
    func badOverridesNameTheirJSONPath(_ alerts: String, _ path: String) {
        #expect { try spec(alerts: alerts) } throws: { ($0 as? SpecError)?.path == path }
    }
}
