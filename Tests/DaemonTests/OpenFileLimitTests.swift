import Foundation
import Testing

/// `http.connection_limit` needs a descriptor per connection: under a low open-file limit the
/// daemon still starts, with fewer connections and a warning, instead of failing at accept().
@Suite struct OpenFileLimitTests {
    @Test func aLowOpenFileLimitLowersTheConnectionLimitWithAWarning() throws {
        let fixture = try DaemonFixture()
        // 600 files: below the default 1000 connections plus the 128 kept for the rest.
        let daemon = try fixture.start(launcher: ["/usr/bin/prlimit", "--nofile=600:600"])
        defer { daemon.stop() }
        #expect(try daemon.client.get("/health").status == 200)
        #expect(daemon.log.contains("http.connection_limit 1000 lowered to 472"), "\(daemon.log)")
    }
}
