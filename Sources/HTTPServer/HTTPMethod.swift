/// An HTTP request method; any token is allowed, the common ones have names.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method token as sent on the request line, upper-cased by convention (methods are case-sensitive).
    public let rawValue: String

    /// Wraps a method token as-is.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wraps a method token as-is.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let post = HTTPMethod("POST")
    public static let put = HTTPMethod("PUT")
    public static let patch = HTTPMethod("PATCH")
    public static let delete = HTTPMethod("DELETE")
    public static let options = HTTPMethod("OPTIONS")

    /// True for methods that change state (POST, PUT, PATCH, DELETE): the ones a bearer token guards.
    public var isMutating: Bool { self == .post || self == .put || self == .patch || self == .delete }

    public var description: String { rawValue }
}
