#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A response the router produces and the server sends: status, headers, and body bytes or a stream.
///
/// `Content-Length` is computed by microhttpd from `body`; do not set it. `Connection` is left to
/// microhttpd too, so keep-alive works. A response with a `stream` sends that instead of `body`,
/// chunked (HTTP/1.1) or until the connection closes (HTTP/1.0).
public struct HTTPResponse: Sendable, Equatable {
    /// The status code.
    public var status: HTTPStatus
    /// Response headers by name, sent verbatim (names are case-insensitive on the wire; use one spelling).
    public var headers: [String: String]
    /// The body bytes (empty for none).
    public var body: Data
    /// A body produced over time, sent instead of `body` (see `HTTPBodyStream`).
    public var stream: (any HTTPBodyStream)?

    /// Creates a response from parts.
    public init(status: HTTPStatus = .ok, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A streamed response: `stream` is pulled as the client reads (Server-Sent Events and the like).
    public static func stream(_ stream: any HTTPBodyStream, contentType: String, headers: [String: String] = [:]) -> HTTPResponse {
        var response = HTTPResponse(headers: headers.merging(["Content-Type": contentType]) { _, type in type })
        response.stream = stream
        return response
    }

    /// Equal parts; streams compare by identity.
    public static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.headers == rhs.headers && lhs.body == rhs.body && lhs.stream === rhs.stream
    }

    /// The body as UTF-8 text (for tests and logs).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// `application/json` from an Encodable value.
    /// - Throws: the encoder's error (a handler that lets it escape answers 500).
    public static func json<T: Encodable>(
        _ value: T, status: HTTPStatus = .ok, encoder: JSONEncoder = HTTPResponse.makeEncoder()
    ) throws -> HTTPResponse {
        .json(try encoder.encode(value), status: status)
    }

    /// `application/json` from already encoded bytes.
    public static func json(_ data: Data, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: data)
    }

    /// `text/plain; charset=utf-8` (or the given content type, e.g. Prometheus' exposition format).
    public static func text(
        _ text: String, status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8"
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Data(text.utf8))
    }

    /// `text/csv; charset=utf-8`.
    public static func csv(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        .text(text, status: status, contentType: "text/csv; charset=utf-8")
    }

    /// A body-less response, 204 by default.
    public static func empty(status: HTTPStatus = .noContent) -> HTTPResponse {
        HTTPResponse(status: status)
    }

    /// Exactly `{"error":{"code":"…","message":"…"}}` (SPEC §5) with the given status.
    public static func error(status: HTTPStatus, code: String, message: String) -> HTTPResponse {
        let body = ErrorBody(error: .init(code: code, message: message))
        // Encoding two strings cannot fail; the fallback only keeps this function total.
        let data = (try? errorEncoder.encode(body)) ?? Data(#"{"error":{"code":"internal_error","message":""}}"#.utf8)
        return .json(data, status: status)
    }

    /// The encoder `json(_:)` uses by default: compact, `/` unescaped.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    /// Sorted keys make the error body byte-exact: "code" sorts before "message".
    private static var errorEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }
}
