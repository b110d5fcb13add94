/// Framing problems the access handler can see before any body is read (RFC 9112), answered with
/// the JSON error and `Connection: close`: after a request whose length is ambiguous the next
/// bytes on the connection cannot be trusted to start a request (request smuggling).
///
/// microhttpd 0.9.75 answers some framing errors itself, before any callback, in HTML: a
/// negative or overflowing `Content-Length` (400/413), an unsupported HTTP version (505), a
/// request line or headers beyond `connectionMemoryLimitBytes` (414/431). README, "Security".
enum RequestFraming {
    /// The 400 for `version` and lower-cased `headers`, or nil when the framing is sound.
    static func problem(version: String, headers: [String: String]) -> HTTPResponse? {
        if let length = headers["content-length"] {
            // Repeated headers arrive joined with ", " (MHDCallbacks.headers): two lengths.
            if length.contains(",") {
                return refusal("bad_content_length", "more than one Content-Length (\(length.prefix(60)))")
            }
            if headers["transfer-encoding"] != nil {
                return refusal("bad_framing", "Content-Length together with Transfer-Encoding (RFC 9112 section 6.1)")
            }
        }
        if version == "HTTP/1.1", headers["host"] == nil {
            return refusal("missing_host", "an HTTP/1.1 request needs a Host header (RFC 9112 section 3.2)")
        }
        return nil
    }

    private static func refusal(_ code: String, _ message: String) -> HTTPResponse {
        var response = HTTPResponse.error(status: .badRequest, code: code, message: message)
        response.headers["Connection"] = "close"
        return response
    }
}
