/// The keys a state-dict load left out, as PyTorch's `load_state_dict` reports them.
public struct StateDictKeys: Sendable, Equatable, CustomStringConvertible {
    /// The model's keys that got no value, in the model's order.
    public var missing: [String]
    /// The given keys the model has no parameter or buffer for, sorted.
    public var unexpected: [String]

    public init(missing: [String] = [], unexpected: [String] = []) {
        self.missing = missing
        self.unexpected = unexpected
    }

    /// Whether every key matched.
    public var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty }

    public var description: String {
        let quoted = { (keys: [String]) in keys.map { "\"\($0)\"" }.joined(separator: ", ") }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing \(missing.count == 1 ? "key" : "keys") \(quoted(missing))") }
        if !unexpected.isEmpty { parts.append("unexpected \(unexpected.count == 1 ? "key" : "keys") \(quoted(unexpected))") }
        return parts.isEmpty ? "every key matched" : parts.joined(separator: "; ")
    }
}
