#if canImport(Glibc)
import Glibc
#endif

/// A numeric address the HTTP server can bind: an IPv4 literal (`127.0.0.1`, `0.0.0.0`) or an
/// IPv6 literal (`::1`, `::`, also written in brackets as in a URL, `[::1]`).
///
/// Literals are parsed with `inet_pton`, never resolved: a daemon must not depend on DNS or
/// `/etc/hosts` to decide which interfaces it exposes. `::` binds one dual-stack socket that
/// accepts IPv4 and IPv6 clients; every other IPv6 address is bound IPv6-only.
///
/// ```swift
/// let address = try ListenAddress("::1")
/// address.url(port: 8742)   // "http://[::1]:8742/"
/// ```
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address family a literal belongs to.
    public enum Family: Sendable, Equatable {
        /// AF_INET: 4-byte addresses.
        case ipv4
        /// AF_INET6: 16-byte addresses; `::` also takes IPv4 clients (dual stack).
        case ipv6
    }

    /// The literal without brackets, as written (`::1`, `127.0.0.1`).
    public let literal: String
    /// IPv4 or IPv6.
    public let family: Family
    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    private let bytes: [UInt8]

    /// Parses `host`.
    /// - Throws: `HTTPServerError.invalidAddress` saying why `host` cannot be bound: not a
    ///   literal (host names included), an IPv6 zone id, a link-local or an IPv4-mapped IPv6
    ///   address.
    public init(_ host: String) throws(HTTPServerError) {
        let bracketed = host.hasPrefix("[") && host.hasSuffix("]") && host.count >= 2
        let literal = bracketed ? String(host.dropFirst().dropLast()) : host
        let noZoneIDs = "hookd does not support zone ids (use a global address, ::1 or ::)"
        // inet_pton stops at a NUL, so "127.0.0.1\0junk" would bind 127.0.0.1 unnoticed.
        if literal.contains("\0") {
            throw .invalidAddress(host, reason: "contains a NUL character")
        }
        if literal.contains("%") {
            // inet_pton rejects zone ids anyway; say so instead of "not an address".
            throw .invalidAddress(host, reason: "an IPv6 address with a zone id; \(noZoneIDs)")
        }
        if !bracketed, let bytes = Self.parse(literal, family: AF_INET, size: 4) {
            self.init(literal: literal, family: .ipv4, bytes: bytes)
        } else if let bytes = Self.parse(literal, family: AF_INET6, size: 16) {
            // ::ffff:a.b.c.d only works on a dual-stack socket and then means a.b.c.d anyway;
            // asking for the IPv4 form keeps one spelling per listener.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                let ipv4 = bytes[12...].map(String.init).joined(separator: ".")
                throw .invalidAddress(host, reason: "an IPv4-mapped IPv6 address; write it as \(ipv4)")
            }
            // fe80::/10 names an address on some interface: Linux refuses to bind it (EINVAL)
            // without the zone id, so say why now rather than when the server starts.
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 {
                throw .invalidAddress(host, reason: "a link-local IPv6 address, which binds only with a zone id; \(noZoneIDs)")
            }
            self.init(literal: literal, family: .ipv6, bytes: bytes)
        } else {
            throw .invalidAddress(host, reason: "not an IPv4 or IPv6 address literal (such as 127.0.0.1, 0.0.0.0, ::1 or ::; host names are not resolved)")
        }
    }

    private init(literal: String, family: Family, bytes: [UInt8]) {
        self.literal = literal
        self.family = family
        self.bytes = bytes
    }

    /// Whether this is `::`: one socket for IPv4 and IPv6 on every interface (IPV6_V6ONLY off,
    /// whatever the `net.ipv6.bindv6only` sysctl says).
    public var isDualStack: Bool { family == .ipv6 && bytes.allSatisfy { $0 == 0 } }

    /// The host as it goes into a URL or a `Host` header: IPv6 in brackets (RFC 3986), so the
    /// colons of the address are not read as the port separator.
    public var urlHost: String { family == .ipv6 ? "[\(literal)]" : literal }

    /// `http://host:port/` with the host bracketed when it is IPv6.
    public func url(port: UInt16) -> String { "http://\(urlHost):\(port)/" }

    /// The URL form of the host (`[::1]`, `127.0.0.1`).
    public var description: String { urlHost }

    /// Calls `body` with this address and `port` as a `sockaddr_in` or `sockaddr_in6` (its
    /// length second), for `bind` or `connect`.
    public func withSocketAddress<R>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        switch family {
        case .ipv4:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: bytes) }
            return try Self.withGeneric(&address, body)
        case .ipv6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: bytes) }
            return try Self.withGeneric(&address, body)
        }
    }

    private static func withGeneric<Address, R>(
        _ address: inout Address, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R
    ) rethrows -> R {
        try withUnsafePointer(to: &address) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                try body($0, socklen_t(MemoryLayout<Address>.size))
            }
        }
    }

    /// `inet_pton` into `size` bytes, or nil when `text` is not a literal of `family`.
    private static func parse(_ text: String, family: Int32, size: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: size)
        let parsed = bytes.withUnsafeMutableBytes { inet_pton(family, text, $0.baseAddress) }
        return parsed == 1 ? bytes : nil
    }
}
