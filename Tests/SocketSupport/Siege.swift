import Foundation

/// Hostile clients of one server: `idle` sockets that connect and say nothing, and `trickling`
/// ones that send a request line, then a header line every `period` seconds, never finishing.
public final class Siege: Sendable {
    /// Every socket, idle ones first.
    public let sockets: [HeldSocket]

    /// Opens the sockets on 127.0.0.1:`port` and starts trickling.
    public init(port: UInt16, idle: Int, trickling: Int, period: Double = 0.2) throws {
        let holders = try (0..<idle).map { _ in try HeldSocket(port: port) }
        let tricklers = try (0..<trickling).map { _ in try HeldSocket(port: port) }
        sockets = holders + tricklers
        for socket in tricklers { socket.send("GET /health HTTP/1.1\r\nHost: x\r\n") }
        Thread { [weak self] in
            // Never idle, never finished: only a limit on the whole request cuts these. Ends when
            // the siege is released.
            while self != nil {
                for socket in tricklers { socket.send("X-Slow: 1\r\n") }
                usleep(UInt32(period * 1e6))
            }
        }.start()
    }

    /// Waits up to `timeout` seconds for the server to close every socket; returns how many it left open.
    public func openAfterWaiting(upTo timeout: TimeInterval) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        var open = sockets
        while !open.isEmpty && Date() < deadline {
            open.removeAll { $0.isClosedByServer }
            usleep(100_000)
        }
        return open.count
    }
}
