/// A configured API token, checked against `Authorization: Bearer TOKEN` in constant time.
///
/// The description never prints the secret, so a config dump or log line cannot leak it.
public struct BearerToken: Sendable, CustomStringConvertible {
    private let secret: [UInt8]

    /// Wraps a token; nil when it is empty (an empty token would guard nothing).
    public init?(_ token: String) {
        guard !token.isEmpty else { return nil }
        self.secret = Array(token.utf8)
    }

    /// True when `authorization` is `Bearer <this token>` (scheme case-insensitive, RFC 6750).
    ///
    /// The comparison touches every byte of the secret whatever the input, so response timing
    /// does not reveal how long a matching prefix was.
    public func matches(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let bytes = Array(authorization.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count >= scheme.count,
            zip(bytes, scheme).allSatisfy({ ($0 | 0x20) == $1 })  // ASCII lower-casing
        else { return false }
        var offered = bytes[scheme.count...].drop(while: { $0 == 0x20 })
        while offered.last == 0x20 { offered = offered.dropLast() }
        var difference = UInt8(truncatingIfNeeded: offered.count ^ secret.count)
        let offeredArray = Array(offered)
        for index in secret.indices {
            // Compare against a byte that exists whatever the offered length.
            let other = index < offeredArray.count ? offeredArray[index] : ~secret[index]
            difference |= other ^ secret[index]
        }
        return difference == 0 && offeredArray.count == secret.count
    }

    /// Throws 401 unless the request carries this token.
    /// - Throws: `HTTPError` 401 `unauthorized` with `WWW-Authenticate: Bearer`.
    public func authorize(_ request: HTTPRequest) throws {
        guard matches(authorization: request.header("authorization")) else {
            let offered = request.header("authorization") != nil
            throw HTTPError(
                .unauthorized, code: "unauthorized",
                message: offered ? "invalid bearer token" : "missing bearer token (Authorization: Bearer TOKEN)",
                headers: ["WWW-Authenticate": offered ? #"Bearer error="invalid_token""# : "Bearer"])
        }
    }

    public var description: String { "BearerToken(<redacted>)" }
}
