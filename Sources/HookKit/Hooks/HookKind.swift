import Statistics

/// Whether a hook observes a module's forward pass or the gradients of its backward pass
/// (defined with the statistics, which the store shares; named here for HookKit's users).
public typealias HookKind = Statistics.HookKind
