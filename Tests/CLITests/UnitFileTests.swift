import Foundation
import Testing

/// `systemd/hookd.service` passes `systemd-analyze verify` and scores ≤ 2.5 on
/// `systemd-analyze security --offline=true` (lower is more hardened).
@Suite("systemd unit")
struct UnitFileTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd/hookd.service")

    func analyze(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func verifiesCleanly() throws {
        // verify checks that ExecStart exists: point a copy at the binary this build made.
        let dir = try Scratch()
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/hookd", with: HookdProcess.executable.path)
        let copy = try dir.write("hookd.service", text)
        let result = try analyze(["verify", copy])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(result.output)")
    }

    @Test func securityExposureIsAtMostTwoPointFive() throws {
        let result = try analyze(["security", "--offline=true", Self.unit.path])
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) })
        #expect(score <= 2.5, "\(line)")
    }
}
