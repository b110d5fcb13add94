import Statistics

/// What an alert is about: a layer's forward activations, its gradients, or the training loss.
public enum SignalKind: String, CaseIterable, Sendable {
    case forward, backward, loss
}

extension SignalKind {
    /// The signal a hook of `kind` records.
    public init(_ kind: HookKind) { self = kind == .forward ? .forward : .backward }
}
