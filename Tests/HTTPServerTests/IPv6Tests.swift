import Testing

@testable import HTTPServer

/// Real sockets over IPv6: `::1` alone, `::` for both families, and bind errors named with brackets.
/// Skipped, not failed, on a machine whose loopback has no IPv6.
@Suite(.enabled(if: ServerFixture.hasIPv6Loopback, ServerFixture.noIPv6Loopback))
struct IPv6Tests {
    typealias Echo = ServerFixture.Echo

    @Test func ipv6LoopbackAnswersOverIPv6Only() throws {
        try ServerFixture.withServer(HTTPServerConfig(host: "::1", port: 0, logErrors: false)) { server, port in
            #expect(port != 0)
            #expect(server.url == "http://[::1]:\(port)/")
            let response = try RawHTTPClient(host: "::1", port: port).exchange("GET", "/stats/0.0?kind=forward")
            #expect(response.status == 200)
            let echo = try ServerFixture.decode(Echo.self, response)
            #expect(echo.layer == "0.0")
            #expect(echo.remote == "::1")
            // Bound IPv6-only (MHD_USE_IPv6 sets IPV6_V6ONLY): nothing answers on IPv4.
            #expect(throws: RawHTTPClient.Failure.self) { _ = try RawHTTPClient(host: "127.0.0.1", port: port) }
        }
    }

    @Test func bracketedLiteralBindsTheSameAddress() throws {
        try ServerFixture.withServer(HTTPServerConfig(host: "[::1]", port: 0, logErrors: false)) { server, port in
            #expect(server.address?.literal == "::1")
            let client = try RawHTTPClient(host: "::1", port: port)
            #expect(try client.exchange("GET", "/health").status == 200)
        }
    }

    @Test func dualStackAnswersOnIPv4AndIPv6() throws {
        try ServerFixture.withServer(HTTPServerConfig(host: "::", port: 0, logErrors: false)) { server, port in
            #expect(server.address?.isDualStack == true)
            #expect(server.url == "http://[::]:\(port)/")
            for (host, remote) in [("127.0.0.1", "127.0.0.1"), ("::1", "::1")] {
                let response = try RawHTTPClient(host: host, port: port).exchange("GET", "/stats/x")
                #expect(response.status == 200, "over \(host)")
                // IPv4 clients arrive as ::ffff:127.0.0.1 on the dual-stack socket; reported plainly.
                let echo = try ServerFixture.decode(Echo.self, response)
                #expect(echo.remote == remote, "over \(host)")
            }
        }
    }

    @Test func ipv6PortInUseIsAClearError() throws {
        try ServerFixture.withServer(HTTPServerConfig(host: "::1", port: 0, logErrors: false)) { _, port in
            let second = HTTPServer(config: HTTPServerConfig(host: "::1", port: port, logErrors: false), router: Router())
            let error = try #require(throws: HTTPServerError.self) { try second.start() }
            #expect(error == .addressInUse(host: "::1", port: port))
            #expect("\(error)".contains("[::1]:\(port): address already in use"))
            #expect(!second.isRunning)
        }
    }
}
