/// Which events one `/events` client asked for: `?run=` (every type) and `?layers=` (`stats` only).
public struct EventFilter: Sendable, Equatable {
    /// Only this run's events; nil for every run.
    public var runID: Int64?
    /// Only these layers' `stats` events; nil for every layer.
    public var layers: Set<String>?

    /// Every event, or those of `runID` / `layers`.
    public init(runID: Int64? = nil, layers: Set<String>? = nil) {
        self.runID = runID
        self.layers = layers
    }

    /// Whether `event` passes. Events without a run (`gap`) always do.
    public func admits(_ event: ServerSentEvent) -> Bool {
        if let runID, let eventRun = event.runID, eventRun != runID { return false }
        if let layers, event.type == "stats", !layers.contains(event.layer ?? "") { return false }
        return true
    }
}
