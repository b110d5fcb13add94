import Foundation
import Testing

@testable import HTTPServer

@Suite("Hostile and broken clients")
struct HostileClientTests {
    /// After each abuse, a well-behaved client must still be answered.
    func expectHealthy(_ port: UInt16) throws {
        #expect(try RawHTTPClient(port: port).exchange("GET", "/health").status == 200)
    }

    @Test func garbageBytesDoNotHurtOtherClients() throws {
        try ServerFixture.withServer { _, port in
            for garbage in [
                [UInt8](repeating: 0, count: 100), Array("\r\n\r\n\r\n".utf8),
                Array("GET\r\n\r\n".utf8), Array("NOT HTTP AT ALL \u{1}\u{2}\u{3}\r\n\r\n".utf8),
                (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) },
            ] {
                let client = try RawHTTPClient(port: port, timeout: 2)
                try? client.send(garbage)
                // Whatever microhttpd answers (a 400 or a close), it must not take the server down.
                _ = try? client.readResponse()
                try expectHealthy(port)
            }
        }
    }

    @Test(arguments: [
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "bad_framing"),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", "bad_content_length"),
        ("GET /health HTTP/1.1\r\n\r\n", "missing_host"),
    ])
    func ambiguousFramingIsRefusedWithJSONAndClosed(request: String, code: String) throws {
        try ServerFixture.withServer { _, port in
            let client = try RawHTTPClient(port: port, timeout: 3)
            // A pipelined request after the ambiguous one must not be answered: its start is unknowable.
            try client.send(request + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.text.contains(#""code":"\#(code)""#), "\(response.text)")
            #expect(response.headers["connection"]?.lowercased() == "close")
            #expect(try client.waitForClose(), "closed after the refusal, the pipelined request unanswered")
            try expectHealthy(port)
        }
    }

    @Test func http10WithoutHostIsStillServed() throws {
        try ServerFixture.withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /health HTTP/1.0\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func halfRequestsThenHangUpDoNotHurtOtherClients() throws {
        try ServerFixture.withServer { _, port in
            for half in [
                "GET /health HTTP/1.1\r\nHost: x\r\n", "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc",
                "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", "GE",
            ] {
                do {
                    let client = try RawHTTPClient(port: port)
                    try client.send(half)
                }  // closed here by deinit
                try expectHealthy(port)
            }
        }
    }

    @Test func stalledClientIsTimedOutWhileOthersAreServed() throws {
        let config = HTTPServerConfig(port: 0, connectionTimeoutSeconds: 1, logErrors: false)
        try ServerFixture.withServer(config) { _, port in
            let stalled = try RawHTTPClient(port: port, timeout: 5)
            try stalled.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nonly part")
            let idle = try RawHTTPClient(port: port, timeout: 5)  // connects and says nothing
            for _ in 0..<5 { try expectHealthy(port) }
            // The connection timeout frees both after about a second.
            #expect(try stalled.waitForClose())
            #expect(try idle.waitForClose())
            try expectHealthy(port)
        }
    }

    @Test func oversizeHeadersAreRefusedWithoutHarm() throws {
        try ServerFixture.withServer { _, port in
            let client = try RawHTTPClient(port: port)
            let response = try client.exchange("GET", "/health", headers: ["X-Big": String(repeating: "a", count: 200_000)])
            #expect(response.status >= 400)
            try expectHealthy(port)
        }
    }

    /// PERF-NOTES item 4: epoll mode locked up at exactly 128, 129 and 256 keep-alive connections.
    @Test(arguments: [1, 2], [127, 128, 129, 256])
    func manyConcurrentKeepAliveClients(threads: Int, connections: Int) throws {
        let config = HTTPServerConfig(port: 0, threadCount: threads, logErrors: false)
        try ServerFixture.withServer(config) { _, port in
            let clients = try (0..<connections).map { _ in try RawHTTPClient(port: port) }
            let rounds = Int(ProcessInfo.processInfo.environment["HOOKD_HTTP_STRESS_ROUNDS"] ?? "") ?? 3
            for round in 0..<rounds {
                for client in clients { try client.send(RawHTTPClient.request("GET", "/stats/l\(round)")) }
                for client in clients { #expect(try client.readResponse().status == 200) }
            }
        }
    }
}
