import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import Daemon

/// sd_notify datagrams and the watchdog, against real unix datagram sockets.
@Suite struct SystemdTests {
    /// A bound datagram socket: a filesystem path, or an abstract name when `path` starts with `@`.
    final class Listener {
        let fd: Int32
        init(_ path: String) throws {
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            var bytes = Array(path.utf8)
            if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
            let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (bytes[0] == 0 ? 0 : 1)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
            }
            guard bound == 0 else { throw HTTPTestClient.Failure(description: "bind \(path): errno \(errno)") }
            var tv = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }
        /// The next datagram, or nil after the timeout.
        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
        }
        deinit { close(fd) }
    }

    @Test func notifiesAPathSocket() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let listener = try Listener(directory.path("notify"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": directory.path("notify")])
        #expect(notifier.notify("READY=1"))
        #expect(listener.receive() == "READY=1")
    }

    @Test func notifiesAnAbstractSocket() throws {
        let name = "@hookd-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let listener = try Listener(name)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]).notify("STOPPING=1"))
        #expect(listener.receive() == "STOPPING=1")
    }

    @Test func withoutASocketNothingIsSent() {
        #expect(SystemdNotifier(environment: [:]).notify("READY=1") == false)
    }

    @Test func watchdogPingsWhileIdleOrProgressingOnly() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let listener = try Listener(directory.path("wd"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": directory.path("wd")])
        let live = LiveState()
        let environment = ["WATCHDOG_USEC": "200000"]
        #expect(Watchdog(environment: ["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"], notifier: notifier, live: live, pid: 2) == nil)
        let watchdog = try #require(Watchdog(environment: environment, notifier: notifier, live: live, pid: getpid()))
        defer { watchdog.cancel() }
        #expect(listener.receive() == "WATCHDOG=1")  // idle
        // Training, but no progress for longer than half the period: the pings stop.
        live.update { $0.activeRunID = 1 }
        usleep(150_000)
        var drained = 0
        while listener.receive() != nil, drained < 100 { drained += 1; if drained > 3 { break } }
        #expect(drained <= 3, "pings kept coming while training was stuck")
        live.noteProgress()
        #expect(listener.receive() == "WATCHDOG=1")
    }
}

/// The real binary under a pretend systemd: READY=1 once listening, WATCHDOG=1 while idle,
/// STOPPING=1 on SIGTERM, exit status 0.
@Suite struct SystemdEndToEndTests {
    @Test func notifiesReadyWatchdogAndStopping() throws {
        let fixture = try DaemonFixture()
        let socketPath = fixture.directory.path("notify")
        let listener = try SystemdTests.Listener(socketPath)
        let daemon = try fixture.start(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "400000"])
        var messages: [String] = []
        while messages.count < 3, let message = listener.receive() { messages.append(message) }
        #expect(messages.first?.hasPrefix("READY=1") == true, "\(messages)")
        #expect(messages.dropFirst().contains("WATCHDOG=1"), "\(messages)")
        #expect(daemon.stop(signal: SIGTERM) == 0)
        var rest: [String] = []
        while let message = listener.receive() { rest.append(message) }
        #expect(rest.contains("STOPPING=1"), "\(rest)")
    }
}
