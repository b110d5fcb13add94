import Foundation
import Testing

/// Debian's `/usr/bin/python3` with python3-torch (the libtorch build hookd links), running the
/// committed scripts under `scripts/` that build the PyTorch side of a comparison.
enum TorchPython {
    static let interpreter = "/usr/bin/python3"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Whether python3-torch (and torchvision) import; tests that need them are skipped otherwise.
    static let available: Bool = (try? run(["-c", "import torch, torchvision"])) != nil

    static let skipReason: Comment = "needs /usr/bin/python3 with python3-torch and python3-torchvision (scripts/setup.sh installs them)"

    /// Runs `scripts/<script>` with `arguments`; stdout, or an error carrying stderr.
    @discardableResult
    static func script(_ script: String, _ arguments: [String]) throws -> Data {
        try run([repository.appendingPathComponent("scripts/\(script)").path] + arguments)
    }

    private static func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonFailure(arguments: arguments, stderr: String(decoding: errors, as: UTF8.self))
        }
        return data
    }

    struct PythonFailure: Error, CustomStringConvertible {
        let arguments: [String]
        let stderr: String
        var description: String { "python3 \(arguments.joined(separator: " ")) failed: \(stderr)" }
    }
}
