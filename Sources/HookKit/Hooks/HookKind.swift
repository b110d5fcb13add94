/// Whether a hook observes a module's forward pass or the gradients of its backward pass.
public enum HookKind: String, Sendable, Codable, CaseIterable {
    case forward, backward
}
