import HookKit

/// A queued attach the training loop refused when it reached a run (an unknown layer, a repeat,
/// the hook limit): kept so that `GET /hooks` tells a client whose 201 came before the run started.
public struct RefusedHook: Sendable, Equatable {
    /// The `pending_id` the client was given.
    public var pendingID: Int
    public var runID: Int64
    public var layer: String
    public var kind: HookKind
    public var stats: [HookSpec.Stat]
    public var every: Int
    /// Why, for people: `run 3 has no module '9.9'`.
    public var reason: String
}
