/// A hooked layer in one direction: the unit a rule's episode belongs to.
struct LayerKey: Hashable {
    let path: String
    let kind: SignalKind
}
