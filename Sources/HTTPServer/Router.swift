#if canImport(Glibc)
import Glibc
#endif

/// Maps requests to handlers by method and path pattern; pure (`HTTPRequest -> HTTPResponse`), no socket.
///
/// Register routes before handing the router to `HTTPServer` (it is a value: the server keeps
/// the copy it was given):
/// ```swift
/// var router = Router(token: BearerToken("s3cret"))
/// router.get("/stats/{layer}") { request in
///     let layer = try request.parameter("layer")       // percent-decoded
///     return try .json(store.stats(layer: layer, kind: request.query["kind"]))
/// }
/// router.delete("/runs/{id}") { request in .empty() }  // needs the token: DELETE is mutating
/// ```
/// Unknown path → 404, known path with another method → 405 with `Allow`, a thrown `HTTPError`
/// → its JSON error, any other error → 500 `internal_error` (details only go to `onInternalError`).
public struct Router: Sendable {
    /// A route handler; runs on a microhttpd thread, so it must not block for long.
    public typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse

    struct Route: Sendable {
        let method: HTTPMethod
        let pattern: RoutePattern
        let requiresToken: Bool
        let handler: Handler
    }

    private var routes: [Route] = []

    /// When set, routes registered with `requiresToken` (by default POST, PUT, PATCH, DELETE)
    /// answer 401 without `Authorization: Bearer <token>`.
    public var token: BearerToken?

    /// Called with the request and the error when a handler throws something other than
    /// `HTTPError` (answered as a bare 500); defaults to one line on stderr.
    public var onInternalError: @Sendable (HTTPRequest, any Error) -> Void

    /// Creates an empty router.
    public init(
        token: BearerToken? = nil,
        onInternalError: @escaping @Sendable (HTTPRequest, any Error) -> Void = Router.logToStandardError
    ) {
        self.token = token
        self.onInternalError = onInternalError
    }

    /// Registers `handler` for `method` on `pattern` (`/runs/{id}`: a `{name}` fills a whole segment).
    /// - Parameter requiresToken: whether `token` guards this route; nil means "if the method mutates".
    /// - Precondition: the pattern is well formed and not yet registered for this method.
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, requiresToken: Bool? = nil,
        _ handler: @escaping Handler
    ) {
        let parsed = RoutePattern(pattern)
        precondition(
            !routes.contains { $0.method == method && $0.pattern.segments == parsed.segments },
            "route registered twice: \(method) \(pattern)")
        routes.append(
            Route(method: method, pattern: parsed, requiresToken: requiresToken ?? method.isMutating,
                  handler: handler))
    }

    /// Registers a GET route (HEAD is answered by it too).
    public mutating func get(_ pattern: String, requiresToken: Bool? = nil, _ handler: @escaping Handler) {
        add(.get, pattern, requiresToken: requiresToken, handler)
    }

    /// Registers a POST route (token-guarded by default).
    public mutating func post(_ pattern: String, requiresToken: Bool? = nil, _ handler: @escaping Handler) {
        add(.post, pattern, requiresToken: requiresToken, handler)
    }

    /// Registers a PUT route (token-guarded by default).
    public mutating func put(_ pattern: String, requiresToken: Bool? = nil, _ handler: @escaping Handler) {
        add(.put, pattern, requiresToken: requiresToken, handler)
    }

    /// Registers a DELETE route (token-guarded by default).
    public mutating func delete(_ pattern: String, requiresToken: Bool? = nil, _ handler: @escaping Handler) {
        add(.delete, pattern, requiresToken: requiresToken, handler)
    }

    /// Answers one request; never throws, every failure becomes a JSON error response.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let rawSegments = request.path.split(separator: "/", omittingEmptySubsequences: true)
        var candidates: [(route: Route, parameters: [(name: String, raw: Substring)])] = []
        for route in routes {
            if let parameters = route.pattern.match(rawSegments) { candidates.append((route, parameters)) }
        }
        guard !candidates.isEmpty else {
            return HTTPResponse.error(
                status: .notFound, code: "not_found", message: "no such endpoint: \(request.path)")
        }
        // HEAD falls back to GET (RFC 9110 §9.3.2); microhttpd then sends the headers only.
        var method = request.method
        if method == .head && !candidates.contains(where: { $0.route.method == .head }) { method = .get }
        let allowed = candidates.filter { $0.route.method == method }
        guard var chosen = allowed.first else {
            var methods = Set(candidates.map(\.route.method.rawValue))
            if methods.contains("GET") { methods.insert("HEAD") }
            let allow = methods.sorted().joined(separator: ", ")
            return HTTPError(
                .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method) is not allowed on \(request.path); allowed: \(allow)",
                headers: ["Allow": allow]
            ).response
        }
        for candidate in allowed.dropFirst()
        where RoutePattern.moreSpecific(candidate.route.pattern, than: chosen.route.pattern) {
            chosen = candidate
        }

        var routed = request
        for (name, raw) in chosen.parameters {
            guard let value = PercentDecoding.decode(raw, plusAsSpace: false) else {
                return HTTPError.badRequest("malformed percent-encoding (or a control character) in path segment '\(raw)'").response
            }
            routed.pathParameters[name] = value
        }
        do {
            if chosen.route.requiresToken, let token { try token.authorize(routed) }
            return try chosen.route.handler(routed)
        } catch let error as HTTPError {
            return error.response
        } catch {
            onInternalError(routed, error)
            return HTTPResponse.error(
                status: .internalServerError, code: "internal_error", message: "internal server error")
        }
    }

    /// The default `onInternalError`: one line on stderr (journald adds the timestamp).
    public static let logToStandardError: @Sendable (HTTPRequest, any Error) -> Void = { request, error in
        let line = "hookd http: 500 for \(request.method) \(request.path): \(error)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }  // fd 2: the global `stderr` is not Sendable
    }
}
