/// A run spec (or config) that cannot be used, with the JSON path of the problem, e.g. `$.train.lr`.
public struct SpecError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
