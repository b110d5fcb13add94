import HookKit

/// A hook attached to the active run, as handlers may see it (ids only; the live entry stays on the training queue).
public struct OpenHook: Sendable, Equatable {
    /// Row id in the `hooks` table (the `{id}` of `DELETE /hooks/{id}`).
    public var id: Int64
    /// The run it is attached to.
    public var runID: Int64
    public var path: String
    public var kind: HookKind
    public var stats: [HookSpec.Stat]
    public var every: Int
    /// The batch it took effect at.
    public var attachedBatch: Int
}
