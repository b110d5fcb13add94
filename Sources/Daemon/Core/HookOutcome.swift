/// How the training loop settled a queued hook command.
public enum HookOutcome: Sendable, Equatable {
    /// Attached: the hooks-table id, its run, and the batch from which it records.
    case attached(OpenHook)
    /// Detached: records nothing at or after `batch`.
    case detached(OpenHook, batch: Int)
    /// The run already has this open hook on the same module and kind, recording one of the same statistics.
    case exists(OpenHook)
    /// The run already has this many hooks (`training.max_hooks`).
    case limitReached(Int)
    /// The active model has no module at this path.
    case unknownLayer(String)
    /// The hook is not attached to the run the command reached.
    case unknownHook(Int64)
    /// The run the command was meant for ended first.
    case runEnded(Int64)
    /// Recording the hook in the stats file failed.
    case failed(String)
}
