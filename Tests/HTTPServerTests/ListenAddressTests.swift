import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import HTTPServer

/// `ListenAddress`: which literals bind, how they print in URLs, and why the rest are refused.
/// Pure parsing: no socket, so these run on machines without IPv6 too.
@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1", ListenAddress.Family.ipv4, "http://127.0.0.1:8742/", false),
        ("0.0.0.0", "0.0.0.0", .ipv4, "http://0.0.0.0:8742/", false),
        ("::1", "::1", .ipv6, "http://[::1]:8742/", false),
        ("[::1]", "::1", .ipv6, "http://[::1]:8742/", false),
        ("::", "::", .ipv6, "http://[::]:8742/", true),
        ("[::]", "::", .ipv6, "http://[::]:8742/", true),
        ("2001:db8::7", "2001:db8::7", .ipv6, "http://[2001:db8::7]:8742/", false),
        ("fec0::1", "fec0::1", .ipv6, "http://[fec0::1]:8742/", false),
    ])
    func literalsParse(host: String, literal: String, family: ListenAddress.Family, url: String, dualStack: Bool) throws {
        let address = try ListenAddress(host)
        #expect(address.literal == literal)
        #expect(address.family == family)
        #expect(address.url(port: 8742) == url)
        #expect(address.isDualStack == dualStack)
    }

    @Test(arguments: [
        ("localhost", "host names are not resolved"),
        ("example.com", "not an IPv4 or IPv6 address literal"),
        ("999.1.1.1", "not an IPv4 or IPv6 address literal"),
        ("1.2.3", "not an IPv4 or IPv6 address literal"),
        ("[127.0.0.1]", "not an IPv4 or IPv6 address literal"),
        ("[::1", "not an IPv4 or IPv6 address literal"),
        ("", "not an IPv4 or IPv6 address literal"),
        ("fe80::1%eth0", "zone id"),
        ("[::1%lo]", "zone id"),
        ("fe80::1", "link-local"),
        ("febf::1", "link-local"),
        ("::ffff:127.0.0.1", "write it as 127.0.0.1"),
        ("127.0.0.1\0junk", "NUL"),
    ])
    func otherTextIsRefusedWithTheReason(host: String, reason: String) {
        #expect {
            _ = try ListenAddress(host)
        } throws: { error in
            guard case HTTPServerError.invalidAddress(host, let why) = error else { return false }
            return why.contains(reason) && "\(error)".hasPrefix("cannot listen on '\(host)': ")
        }
    }

    @Test func socketAddressCarriesFamilyPortAndBytes() throws {
        try ListenAddress("::1").withSocketAddress(port: 8742) { pointer, length in
            #expect(Int32(pointer.pointee.sa_family) == AF_INET6)
            #expect(Int(length) == MemoryLayout<sockaddr_in6>.size)
            pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                #expect(UInt16(bigEndian: $0.pointee.sin6_port) == 8742)
                #expect(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) } == Array(repeating: 0, count: 15) + [1])
            }
        }
        try ListenAddress("127.0.0.1").withSocketAddress(port: 80) { pointer, length in
            #expect(Int32(pointer.pointee.sa_family) == AF_INET)
            #expect(Int(length) == MemoryLayout<sockaddr_in>.size)
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                #expect(UInt16(bigEndian: $0.pointee.sin_port) == 80)
                #expect(UInt32(bigEndian: $0.pointee.sin_addr.s_addr) == 0x7F00_0001)
            }
        }
    }
}
