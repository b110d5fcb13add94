import Foundation

/// Runs the real `hookd` binary that `swift test` builds next to the test bundle.
struct HookdProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `.build/<triple>/debug/hookd`, beside the test bundle executable.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hookd")
    }

    /// Runs hookd to completion with `arguments`, optionally through `bash -c` for a shell prefix (ulimit).
    static func run(_ arguments: [String], shellPrefix: String? = nil, timeout: TimeInterval = 120) throws -> Result {
        try collect(makeProcess(arguments, shellPrefix: shellPrefix), timeout: timeout)
    }

    /// Runs `process` (hookd or another tool the tests drive, such as Chromium) to completion,
    /// terminating it after `timeout`, and returns its status and output.
    static func collect(_ process: Process, timeout: TimeInterval) throws -> Result {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs, so a chatty process never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts hookd in the background, stderr to `log` (or /dev/null), and returns the process.
    /// With a `shellPrefix`, bash `exec`s hookd, so the process id is hookd's own (for prlimit, kill).
    /// A `launcher` (a command that execs its arguments, as `nsenter`) runs hookd through it.
    static func start(_ arguments: [String], log: String? = nil, shellPrefix: String? = nil, launcher: [String] = []) throws -> Process {
        let process = makeProcess(arguments, shellPrefix: shellPrefix, launcher: launcher)
        process.standardOutput = FileHandle.nullDevice
        if let log, FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) {
            process.standardError = handle
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// hookd with `arguments`, or `bash -c "PREFIX; exec hookd ARGS"` when there is a prefix,
    /// either behind `launcher`.
    private static func makeProcess(_ arguments: [String], shellPrefix: String?, launcher: [String] = []) -> Process {
        var command = [executable.path] + arguments
        if let shellPrefix {
            let quoted = command.map { "'\($0)'" }.joined(separator: " ")
            command = ["/bin/bash", "-c", "\(shellPrefix); exec \(quoted)"]
        }
        command = launcher + command
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        return process
    }
}
