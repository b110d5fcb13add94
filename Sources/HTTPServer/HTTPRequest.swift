#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A fully received HTTP request, independent of the socket it came from.
public struct HTTPRequest: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The path as sent, still percent-encoded, without the query (e.g. `/stats/body.layer1`).
    public var path: String
    /// Query parameters, percent-decoded with `+` as space; on repeated names the last wins;
    /// a malformed escape leaves that value as sent.
    public var query: [String: String]
    /// Headers by lower-cased name; repeated headers are joined with ", " (RFC 9110 §5.3).
    public var headers: [String: String]
    /// The request body bytes (empty for none).
    public var body: Data
    /// The client's numeric IP address, when known.
    public var remoteAddress: String?
    /// Path parameters of the matched route, percent-decoded (`{layer}` → `pathParameters["layer"]`);
    /// filled in by `Router`.
    public var pathParameters: [String: String]

    /// Creates a request from a raw request target (`/path?query`), as a client sent it.
    /// - Parameters:
    ///   - method: the request method.
    ///   - target: the raw request target, percent-encoded, query included.
    ///   - headers: header fields; names are lower-cased here.
    ///   - body: the body bytes.
    ///   - remoteAddress: the client's address, if known.
    public init(
        method: HTTPMethod, target: String, headers: [String: String] = [:], body: Data = Data(),
        remoteAddress: String? = nil
    ) {
        self.method = method
        var target = Substring(target)
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        if let mark = target.firstIndex(of: "?") {
            self.path = String(target[..<mark])
            self.query = Self.parseQuery(target[target.index(after: mark)...])
        } else {
            self.path = String(target)
            self.query = [:]
        }
        var lowered: [String: String] = [:]
        lowered.reserveCapacity(headers.count)
        for (name, value) in headers {
            let key = name.lowercased()
            if let existing = lowered[key] { lowered[key] = existing + ", " + value } else { lowered[key] = value }
        }
        self.headers = lowered
        self.body = body
        self.remoteAddress = remoteAddress
        self.pathParameters = [:]
    }

    /// The value of a header, looked up case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// A path parameter of the matched route.
    /// - Throws: `HTTPError` 400 when the route has no such parameter (a programming error that
    ///   should not crash the server).
    public func parameter(_ name: String) throws -> String {
        guard let value = pathParameters[name] else {
            throw HTTPError.badRequest("missing path parameter '\(name)'")
        }
        return value
    }

    /// Splits `a=1&b=x+y` into decoded pairs.
    static func parseQuery(_ query: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                name = pair
                value = ""
            }
            let decodedName = PercentDecoding.decode(name, plusAsSpace: true) ?? String(name)
            if decodedName.isEmpty { continue }
            result[decodedName] = PercentDecoding.decode(value, plusAsSpace: true) ?? String(value)
        }
        return result
    }
}
