import Foundation
import Testing

@testable import HTTPServer

@Suite("HTTPServer start/stop and bind errors")
struct LifecycleTests {
    @Test func portInUseIsAClearError() throws {
        try ServerFixture.withServer { _, port in
            let second = HTTPServer(config: HTTPServerConfig(port: port, logErrors: false), router: Router())
            #expect(throws: HTTPServerError.addressInUse(host: "127.0.0.1", port: port)) { try second.start() }
            #expect(!second.isRunning)
            #expect("\(HTTPServerError.addressInUse(host: "127.0.0.1", port: port))".contains("already in use"))
        }
    }

    @Test func invalidAddressIsAClearError() throws {
        // Each refused before binding, with its reason (ListenAddressTests has them all).
        for host in ["999.1.1.1", "localhost", "fe80::1%eth0", ""] {
            let server = HTTPServer(config: HTTPServerConfig(host: host, port: 0, logErrors: false), router: Router())
            let error = try #require(throws: HTTPServerError.self) { try server.start() }
            guard case .invalidAddress(host, _) = error else {
                Issue.record("\(host): \(error)")
                continue
            }
            #expect("\(error)".hasPrefix("cannot listen on '\(host)': "))
            #expect(!server.isRunning)
        }
    }

    @Test func invalidConfigIsRejectedBeforeBinding() {
        let server = HTTPServer(config: HTTPServerConfig(port: 0, threadCount: 0, logErrors: false), router: Router())
        #expect(throws: HTTPServerError.self) { try server.start() }
        #expect(!server.isRunning)
    }

    @Test func stopIsIdempotentAndThePortCanBeReused() throws {
        let first = HTTPServer(config: HTTPServerConfig(port: 0, logErrors: false), router: ServerFixture.router())
        try first.start()
        #expect(throws: HTTPServerError.alreadyRunning) { try first.start() }
        let port = try #require(first.port)
        #expect(port != 0)
        let client = try RawHTTPClient(port: port)
        #expect(try client.exchange("GET", "/health").status == 200)
        first.stop()
        first.stop()
        #expect(first.port == nil)
        // The kept-alive connection was closed by stop().
        #expect(try client.waitForClose())

        let second = HTTPServer(config: HTTPServerConfig(port: port, logErrors: false), router: ServerFixture.router())
        try second.start()
        #expect(second.port == port)
        #expect(try RawHTTPClient(port: port).exchange("GET", "/health").status == 200)
        second.stop()

        // The same object starts again too.
        try first.start()
        #expect(try RawHTTPClient(port: first.port!).exchange("GET", "/health").status == 200)
    }

    @Test func stopLetsRequestsInFlightFinishAndRefusesNewConnections() throws {
        var router = Router { _, _ in }
        router.get("/slow") { _ in
            usleep(800_000)
            return .text("finished")
        }
        let server = HTTPServer(config: HTTPServerConfig(port: 0, threadCount: 2, threadNice: nil, logErrors: false), router: router)
        try server.start()
        let port = try #require(server.port)
        let client = try RawHTTPClient(port: port)
        try client.send(RawHTTPClient.request("GET", "/slow"))
        usleep(200_000)  // the handler is running
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.stop()
            stopped.signal()
        }
        usleep(100_000)
        // While it drains, a new client is refused at once rather than left waiting in the backlog.
        #expect(throws: (any Error).self) { try RawHTTPClient(port: port).exchange("GET", "/slow") }
        let response = try client.readResponse()
        #expect(response.status == 200 && response.text == "finished", "the request in flight got its answer")
        #expect(stopped.wait(timeout: .now() + 5) == .success)
        #expect(!server.isRunning)
    }

    @Test func deinitStopsTheServer() throws {
        var port: UInt16 = 0
        do {
            let server = HTTPServer(config: HTTPServerConfig(port: 0, logErrors: false), router: ServerFixture.router())
            try server.start()
            port = server.port!
        }
        #expect(throws: RawHTTPClient.Failure.self) { _ = try RawHTTPClient(port: port) }
    }
}
