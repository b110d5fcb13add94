import Foundation
import Platform
import SocketSupport
import Testing

@testable import HTTPServer

/// Hundreds of sockets that connect and say nothing, or send a request a line at a time, must not
/// lock a new client out, and a trickling request ends at `requestTimeoutSeconds`.
@Suite(.serialized) struct ConnectionExhaustionTests {
    /// Milliseconds a new client's `GET /health` takes, connect to answer.
    func healthLatency(_ port: UInt16) throws -> Double {
        let start = Date()
        let response = try RawHTTPClient(port: port, timeout: 5).exchange("GET", "/health")
        #expect(response.status == 200)
        return Date().timeIntervalSince(start) * 1000
    }

    @Test(arguments: [(300, 0), (0, 300), (300, 300)])
    func idleAndTricklingSocketsDoNotLockOthersOut(idle: Int, trickling: Int) throws {
        OpenFileLimit.raise(toAtLeast: 4096)  // this process holds both ends of every socket
        let config = HTTPServerConfig(port: 0, connectionLimit: 1000, requestTimeoutSeconds: 2, threadCount: 2,
                                      threadNice: nil, logErrors: false)
        try ServerFixture.withServer(config) { _, port in
            let siege = try Siege(port: port, idle: idle, trickling: trickling)
            var latencies: [Double] = []
            let start = Date()
            while Date().timeIntervalSince(start) < 1.5 {
                latencies.append(try healthLatency(port))
                usleep(50_000)
            }
            let worst = latencies.max() ?? 0
            #expect(worst < 100, "a new client waited \(worst) ms (median \(latencies.sorted()[latencies.count / 2]) ms)")

            // Past requestTimeoutSeconds (2 s) every held or trickling socket has been cut.
            let open = siege.openAfterWaiting(upTo: 4)
            #expect(open == 0, "\(open) of \(idle + trickling) slow sockets still open after \(Date().timeIntervalSince(start)) s")
            #expect(Date().timeIntervalSince(start) < 4.5)
            #expect(try healthLatency(port) < 100)
        }
    }

    @Test func aKeepAliveConnectionBetweenRequestsIsTimedFromItsLastAnswer() throws {
        let config = HTTPServerConfig(port: 0, requestTimeoutSeconds: 1, threadNice: nil, logErrors: false)
        try ServerFixture.withServer(config) { _, port in
            let client = try RawHTTPClient(port: port)
            // Three requests 0.6 s apart on one connection: each arrives within its own second.
            for _ in 0..<3 {
                #expect(try client.exchange("GET", "/health").status == 200)
                usleep(600_000)
            }
            // Idle for longer than the limit: cut.
            #expect(try client.waitForClose())
        }
    }
}
