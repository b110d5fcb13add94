import Health

/// The error that ends a run whose alert's action is `stop`: the run's `error` names the rule,
/// the layer and the batch.
public struct AlertStop: Error, CustomStringConvertible {
    /// The alert that stopped the run.
    public let event: AlertEvent

    public var description: String {
        "stopped by alert \(event.rule.name) on \(event.path) (\(event.kind.rawValue)) at batch \(event.batch): \(event.message)"
    }
}
