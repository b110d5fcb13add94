import Foundation
import Testing

/// schemathesis (installed by `scripts/setup.sh` into `.tools/schemathesis`) generates requests
/// from `docs/openapi.yaml`, valid and invalid, against the live daemon while a run trains: no
/// 5xx, every status, content type, header and body as documented, bad data rejected, and POST
/// and DELETE refused without the configured token.
@Suite struct OpenAPIConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theLiveDaemonConformsToItsOpenAPIDocument() throws {
        let st = Self.root.appendingPathComponent(".tools/schemathesis/bin/st")
        guard FileManager.default.isExecutableFile(atPath: st.path) else {
            Issue.record("schemathesis is not installed: run scripts/setup.sh (it creates \(st.path))")
            return
        }
        let token = "conformance-token"
        let fixture = try DaemonFixture(token: token)
        let daemon = try fixture.start()
        defer { daemon.stop() }
        // A run that outlasts the fuzzing, so run, layer, stats and hook endpoints see live data.
        let run = try daemon.submit(Specs.synthetic(name: "conformance", epochs: 10_000, batches: 16))
        try daemon.waitForRun(run) { ($0["batch"] as? Int ?? 0) > 0 }

        let process = Process()
        process.executableURL = st
        process.arguments = [
            "run", Self.root.appendingPathComponent("docs/openapi.yaml").path,
            "--base-url", "http://127.0.0.1:\(daemon.port)",
            "--checks", "all",
            // A fixed seed: the same requests on every machine, so a failure reproduces.
            "--hypothesis-seed", "1", "--hypothesis-max-examples", "30",
            "-H", "Authorization: Bearer \(token)",
            // A stream that never ends cannot be read to the end; EventsEndToEndTests reads it.
            "--exclude-path", "/events",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { $1 }
        // hypothesis keeps its example database in the working directory: not the repository.
        process.currentDirectoryURL = fixture.directory.url
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // A hung fuzzer must fail the test, not the CI job's time limit.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 300, execute: watchdog)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        #expect(process.terminationStatus == 0, "schemathesis found problems:\n\(text)\ndaemon log:\n\(daemon.log.suffix(4000))")
        #expect(text.contains("not_a_server_error") && text.contains("ignored_auth"), "\(text)")
    }
}
