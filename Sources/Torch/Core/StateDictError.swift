/// Why `Module.loadStateDict` copied nothing.
public enum StateDictError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A strict load with keys left out.
    case keys(StateDictKeys)
    /// A value whose shape is not the model's.
    case shape(key: String, model: [Int], given: [Int])

    public var description: String {
        switch self {
        case .keys(let keys): "\(keys)"
        case let .shape(key, model, given): "\"\(key)\" has shape \(given) but the model's is \(model)"
        }
    }
}
