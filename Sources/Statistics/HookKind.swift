/// Which pass a hook observes, and so which pass a statistic was taken on: a module's output
/// (forward), or the gradient with respect to it (backward). Stored as `forward` / `backward`.
public enum HookKind: String, Sendable, Hashable, Codable, CaseIterable {
    case forward, backward
}
