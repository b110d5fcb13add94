/// An error a handler throws to answer with `{"error":{"code":…,"message":…}}` and a status.
///
/// The message is sent to the client verbatim, so it must not carry internals; any other error a
/// handler throws becomes a generic 500 instead.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The response status, e.g. 409.
    public var status: HTTPStatus
    /// A stable, machine-readable code in snake_case, e.g. `run_not_found`.
    public var code: String
    /// A human-readable explanation for the client.
    public var message: String
    /// Extra response headers, e.g. `WWW-Authenticate` for 401 or `Allow` for 405.
    public var headers: [String: String]

    /// Creates an error answered as `status` with a JSON error body.
    public init(_ status: HTTPStatus, code: String, message: String, headers: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// The JSON error response this error is answered with.
    public var response: HTTPResponse {
        var response = HTTPResponse.error(status: status, code: code, message: message)
        for (name, value) in headers { response.headers[name] = value }
        return response
    }

    public var description: String { "HTTP \(status.rawValue) \(code): \(message)" }

    /// 400 with code `bad_request` unless given.
    public static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError {
        HTTPError(.badRequest, code: code, message: message)
    }

    /// 404 with code `not_found` unless given.
    public static func notFound(_ message: String, code: String = "not_found") -> HTTPError {
        HTTPError(.notFound, code: code, message: message)
    }

    /// 409 with code `conflict` unless given.
    public static func conflict(_ message: String, code: String = "conflict") -> HTTPError {
        HTTPError(.conflict, code: code, message: message)
    }

    /// 503 with code `unavailable` unless given.
    public static func unavailable(_ message: String, code: String = "unavailable") -> HTTPError {
        HTTPError(.serviceUnavailable, code: code, message: message)
    }
}
