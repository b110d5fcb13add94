import Foundation
import Testing
@testable import Daemon

/// Log lines quote what clients send: one journal line each, escaped and bounded.
@Suite struct LogLineTests {
    @Test func controlsAreEscapedAndLongMessagesCut() {
        #expect(LogLine.sanitized("run 1 (a\u{0}b\nc\u{1B}[31m\u{85})") == #"run 1 (a\u{0}b\u{a}c\u{1b}[31m\u{85})"#)
        #expect(LogLine.sanitized("héllo ✓") == "héllo ✓")
        let long = LogLine.sanitized("run 7 (" + String(repeating: "x", count: 40_000) + ") queued")
        #expect(long.hasPrefix("run 7 (xxx") && long.hasSuffix("xxx) queued"), "the start and the end are kept")
        #expect(long.contains(" … (\(40_015 - LogLine.maxCharacters) characters left out) … "))
        #expect(long.count < LogLine.maxCharacters + 50)
        #expect(LogLine.sanitized(String(repeating: "y", count: LogLine.maxCharacters)).count == LogLine.maxCharacters)
    }

    @Test func aHostileRunNameStaysOnOneShortLineOfTheDaemonsLog() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let name = "evil\\nhookd error: forged line \\u001b[2J" + String(repeating: "n", count: 40_000)
        let spec = Specs.synthetic(name: name, batches: 2)
        let response = try daemon.client.post("/runs", json: spec)
        #expect(response.status == 202, "\(response.text.prefix(300))")
        try daemon.waitForRun(response.json["id"] as? Int ?? -1) { $0["status"] as? String == "finished" }
        let lines = daemon.log.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("hookd error: forged line") }, "no forged line")
        let queued = try #require(lines.first { $0.contains("queued") && $0.contains("evil") })
        #expect(queued.contains(#"evil\u{a}hookd error: forged line \u{1b}[2J"#))
        #expect(queued.count < LogLine.maxCharacters + 100 && queued.contains("characters left out"))
        #expect(lines.allSatisfy { $0.count < LogLine.maxCharacters + 100 })
    }
}
