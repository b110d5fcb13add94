import Foundation

/// Two network namespaces joined by a veth pair, standing for two machines on one subnet:
/// `a` has 10.77.0.1/24 on v0, `b` has 10.77.0.2/24 on v1, each its own loopback. Both live in
/// one unprivileged user namespace (`unshare -rn`), which gives the CAP_NET_ADMIN the links need;
/// a sleeping process holds each namespace, and `launcher(for:)` runs a command inside it through
/// `nsenter`, which execs (no fork), so the process id stays the command's own.
final class TwoHosts {
    enum Host { case a, b }

    static let addresses: [Host: String] = [.a: "10.77.0.1", .b: "10.77.0.2"]

    /// Why the sandbox cannot make them (nil when it can): user or network namespaces, or veth
    /// links, unavailable.
    static let unavailable: String? = {
        let probe = run(["/usr/bin/unshare", "-rn", "/usr/sbin/ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"])
        return probe.status == 0 ? nil : "needs unprivileged user and network namespaces with veth links (unshare -rn; ip link add ... type veth): \(probe.output)"
    }()

    private let holders: [Host: Process]

    init() throws {
        let a = try Self.hold(["/usr/bin/unshare", "-rn"])
        var b: Process?
        do {
            // Nested in a's user namespace, so a's capabilities reach b's network namespace.
            b = try Self.hold(Self.enter(a.processIdentifier) + ["/usr/bin/unshare", "-n"])
            holders = [.a: a, .b: b!]
            try ip(.a, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
            try ip(.a, "link", "set", "v1", "netns", "\(b!.processIdentifier)")
            for (host, link) in [(Host.a, "v0"), (.b, "v1")] {
                try ip(host, "addr", "add", "\(Self.addresses[host]!)/24", "dev", link)
                try ip(host, "link", "set", link, "up")
                try ip(host, "link", "set", "lo", "up")
            }
        } catch {
            for holder in [a, b].compactMap({ $0 }) where holder.isRunning { kill(holder.processIdentifier, SIGKILL) }
            throw error
        }
    }

    deinit {
        for holder in holders.values where holder.isRunning {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
    }

    /// The command prefix that runs a program inside `host`'s namespaces.
    func launcher(for host: Host) -> [String] { Self.enter(holders[host]!.processIdentifier) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private func ip(_ host: Host, _ arguments: String...) throws {
        let result = Self.run(launcher(for: host) + ["/usr/sbin/ip"] + arguments)
        guard result.status == 0 else { throw Failure(description: "ip \(arguments.joined(separator: " ")) in host \(host): \(result.output)") }
    }

    private static func enter(_ pid: Int32) -> [String] {
        ["/usr/bin/nsenter", "--preserve-credentials", "-U", "-n", "-t", "\(pid)"]
    }

    /// Starts `command` + `sleep` and waits until the namespace it makes is there (its pid's
    /// network namespace differs from ours).
    private static func hold(_ command: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst()) + ["/bin/sleep", "3600"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let ours = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            // `sleep` has replaced unshare once the namespace exists.
            let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/exe")
            let net = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/ns/net")
            if exe?.hasSuffix("sleep") == true, net != nil, net != ours { return process }
            guard process.isRunning else { break }
            usleep(10_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        throw Failure(description: "\(command.joined(separator: " ")) did not make its namespace")
    }

    private static func run(_ command: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        guard let result = try? HookdProcess.collect(process, timeout: 30) else { return (-1, "cannot run \(command[0])") }
        return (result.status, result.stdout + result.stderr)
    }
}
