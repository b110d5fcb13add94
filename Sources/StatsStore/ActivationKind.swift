/// Which pass a statistic was taken on: the module's output, or the gradient w.r.t. it.
///
/// Named apart from HookKit's hook kind so that code importing both needs no qualification.
public enum ActivationKind: String, Sendable, Hashable, CaseIterable, Codable {
    case forward
    case backward
}
