/// An HTTP status code; microhttpd writes the reason phrase itself.
public struct HTTPStatus: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// The numeric code, e.g. 404.
    public let rawValue: Int

    /// Wraps a numeric status code.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Wraps a numeric status code.
    public init(_ code: Int) { self.rawValue = code }

    /// Allows `status: 418` in literals.
    public init(integerLiteral value: Int) { self.rawValue = value }

    public static let ok: HTTPStatus = 200
    public static let created: HTTPStatus = 201
    public static let accepted: HTTPStatus = 202
    public static let noContent: HTTPStatus = 204
    public static let badRequest: HTTPStatus = 400
    public static let unauthorized: HTTPStatus = 401
    public static let forbidden: HTTPStatus = 403
    public static let notFound: HTTPStatus = 404
    public static let methodNotAllowed: HTTPStatus = 405
    public static let conflict: HTTPStatus = 409
    public static let payloadTooLarge: HTTPStatus = 413
    public static let unsupportedMediaType: HTTPStatus = 415
    public static let internalServerError: HTTPStatus = 500
    public static let serviceUnavailable: HTTPStatus = 503

    public var description: String { String(rawValue) }
}
