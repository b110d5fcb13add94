import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real `hookd serve` binary, started on a free loopback port with a config in a temp directory.
///
/// The binary is the one SwiftPM built next to the test bundle (`swift build --build-tests`
/// builds every product into the same scratch directory): the directory of
/// `CommandLine.arguments[0]` (the `…PackageTests.xctest` executable on Linux), or
/// `$HOOKD_BINARY` when set.
final class DaemonProcess {
    let process = Process()
    let port: UInt16
    let logURL: URL
    var client: HTTPTestClient

    /// Starts `hookd serve --config <configPath>` and waits until `/health` answers on `host`
    /// (the config's `listen.host`).
    ///
    /// - Parameter user: run as this uid and gid (through setpriv(1), which execs the daemon in
    ///   place: the process is hookd's own), as systemd's `DynamicUser=` does; needs root.
    /// - Parameter launcher: a command that execs the daemon in place (e.g. `prlimit --nofile=…`).
    init(configPath: String, host: String = "127.0.0.1", port: UInt16, logURL: URL, token: String? = nil,
         environment: [String: String] = [:], user: UInt32? = nil, launcher: [String] = []) throws {
        self.port = port
        self.logURL = logURL
        client = HTTPTestClient(host: host, port: port, token: token)
        let arguments = ["serve", "--config", configPath]
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", try Self.binary().path] + arguments
        } else if let tool = launcher.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(launcher.dropFirst()) + [try Self.binary().path] + arguments
        } else {
            process.executableURL = try Self.binary()
            process.arguments = arguments
        }
        // HOOKD_* from the test's environment would override the fixture's config.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOOKD_") }
            .merging(environment) { $1 }
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if (try? client.get("/health"))?.status == 200 { return }
            if !process.isRunning { break }
            usleep(50_000)
        }
        throw HTTPTestClient.Failure(description: "hookd did not come up; log:\n\(self.log)")
    }

    /// What the daemon wrote on stderr so far.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits (bounded) for the exit; returns the exit status (or -signal).
    @discardableResult
    func stop(signal number: Int32 = SIGTERM, timeout: TimeInterval = 60) -> Int32 {
        kill(process.processIdentifier, number)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -999
        }
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["HOOKD_BINARY"] { return URL(fileURLWithPath: path) }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On macOS the test binary sits inside a bundle (…xctest/Contents/MacOS/).
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("hookd")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw HTTPTestClient.Failure(description: "no hookd binary next to \(testBinary.path); build with --build-tests or set HOOKD_BINARY")
    }

    /// A port nobody listens on right now (bound to 0, read back, released).
    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length); return getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }
}
