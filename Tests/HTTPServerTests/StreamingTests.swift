import Foundation
import Synchronization
import Testing

@testable import HTTPServer

/// Streaming responses over a real socket: parked while empty, woken from another thread,
/// ended by the server's stop without hanging it.
@Suite(.serialized) struct StreamingTests {
    /// A stream the test feeds: `push` queues text and wakes the server.
    final class FedStream: HTTPBodyStream {
        struct State {
            var queued: [UInt8] = []
            var wake: (@Sendable () -> Void)?
            var reads = 0
            var waits = 0
            var finished = 0
            var ended = false
        }
        let state = Mutex(State())

        func start(wake: @escaping @Sendable () -> Void) { state.withLock { $0.wake = wake } }

        func read(into buffer: UnsafeMutableRawBufferPointer) -> HTTPStreamRead {
            state.withLock { s in
                s.reads += 1
                if s.queued.isEmpty {
                    if s.ended { return .end }
                    s.waits += 1
                    return .wait
                }
                let n = min(buffer.count, s.queued.count)
                buffer.copyBytes(from: s.queued[..<n])
                s.queued.removeFirst(n)
                return .bytes(n)
            }
        }

        func finish() { state.withLock { $0.finished += 1 } }

        func push(_ text: String, end: Bool = false) {
            let wake = state.withLock { s in
                s.queued += Array(text.utf8)
                s.ended = end
                return s.wake
            }
            wake?()
        }
    }

    func server(_ stream: FedStream) throws -> HTTPServer {
        var router = Router { _, _ in }
        router.get("/stream") { _ in .stream(stream, contentType: "text/event-stream") }
        router.get("/health") { _ in .text("ok") }
        let server = HTTPServer(config: HTTPServerConfig(port: 0, threadNice: nil), router: router)
        try server.start()
        return server
    }

    @Test("a parked stream costs no spinning, sends what a wake from another thread brings, and ends cleanly")
    func parkAndWake() throws {
        let stream = FedStream()
        let server = try server(stream)
        defer { server.stop() }
        let client = try RawHTTPClient(port: try #require(server.port))
        try client.send(RawHTTPClient.request("GET", "/stream"))
        let head = try client.readHead()
        #expect(head.status == 200 && head.headers["transfer-encoding"] == "chunked")
        #expect(head.headers["content-type"] == "text/event-stream")

        usleep(300_000)
        let parkedReads = stream.state.withLock { $0.reads }
        #expect(parkedReads <= 2, "parked, not polled: \(parkedReads) reads in 300 ms")
        // Other requests are served while the stream is parked.
        #expect(try RawHTTPClient(port: server.port!).exchange("GET", "/health").status == 200)

        for i in 0..<3 {
            DispatchQueue.global().async { stream.push("event \(i)\n") }
            #expect(try client.readChunk().map { String(decoding: $0, as: UTF8.self) } == "event \(i)\n")
        }
        stream.push("bye\n", end: true)
        #expect(try client.readChunk() == Array("bye\n".utf8))
        #expect(try client.readChunk() == nil, "the last chunk")
        usleep(100_000)
        #expect(stream.state.withLock { $0.finished } == 1)
        #expect(server.isRunning)
    }

    @Test("a client that left while its stream was parked is noticed at the next wake")
    func clientLeavesWhileParked() throws {
        let stream = FedStream()
        let server = try server(stream)
        defer { server.stop() }
        var client: RawHTTPClient? = try RawHTTPClient(port: try #require(server.port))
        try client?.send(RawHTTPClient.request("GET", "/stream"))
        #expect(try client?.readHead().status == 200)
        usleep(100_000)
        client = nil  // closes the socket
        usleep(100_000)
        stream.push("anyone there?\n")  // the wake; nothing to send it to
        let deadline = Date().addingTimeInterval(3)
        while stream.state.withLock({ $0.finished }) == 0 && Date() < deadline { usleep(10_000) }
        #expect(stream.state.withLock { $0.finished } == 1)
        _ = client
    }

    @Test("stop() with parked streams returns promptly and finishes each once")
    func stopWithParkedStreams() throws {
        let streams = (0..<5).map { _ in FedStream() }
        let index = Atomic<Int>(0)
        var router = Router { _, _ in }
        router.get("/stream") { _ in
            .stream(streams[index.add(1, ordering: .relaxed).oldValue], contentType: "text/plain")
        }
        let server = HTTPServer(config: HTTPServerConfig(port: 0, threadCount: 2, threadNice: nil), router: router)
        try server.start()
        let clients = try streams.map { _ in try RawHTTPClient(port: try #require(server.port)) }
        for client in clients {
            try client.send(RawHTTPClient.request("GET", "/stream"))
            #expect(try client.readHead().status == 200)
        }
        usleep(200_000)  // every stream parked
        let start = Date()
        server.stop()
        #expect(Date().timeIntervalSince(start) < 2, "stop took \(Date().timeIntervalSince(start)) s")
        #expect(streams.allSatisfy { $0.state.withLock { $0.finished } == 1 })
        for client in clients { #expect(try client.readChunk() == nil || client.waitForClose()) }
    }
}
