import HookKit

/// A hook change queued by a handler and applied by the training loop at a batch boundary.
public struct HookCommand: Sendable {
    /// What to change.
    public enum Action: Sendable {
        case attach(layer: String, kind: HookKind, stats: [HookSpec.Stat], every: Int)
        case detach(hookID: Int64)
    }

    /// Number of a queued command, for `GET /hooks` and `DELETE /hooks/p{n}`.
    public let pendingID: Int
    /// The change.
    public let action: Action
    /// The run it is meant for; nil means "the next run to train".
    public let runID: Int64?
    /// Settled by the training loop with the outcome.
    public let ticket: HookTicket
}
