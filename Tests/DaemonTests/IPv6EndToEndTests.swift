import Foundation
import Testing

/// The real `hookd serve` with `listen.host` set to IPv6 literals: it answers over IPv6 and logs
/// its URL with the host in brackets. Skipped, not failed, without IPv6 on loopback.
@Suite(.serialized, .enabled(if: IPv6Loopback.isAvailable, IPv6Loopback.skipped))
struct IPv6EndToEndTests {
    @Test func servesOnIPv6LoopbackAndLogsABracketedURL() throws {
        let fixture = try DaemonFixture(host: "::1")
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let health = try daemon.client.get("/health")
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "ok")
        #expect(daemon.log.contains("listening on http://[::1]:\(fixture.port)/,"), "\(daemon.log)")
    }

    @Test func dualStackAnswersOverIPv4AndIPv6() throws {
        let fixture = try DaemonFixture(host: "[::]")
        let daemon = try fixture.start()
        defer { daemon.stop() }
        for host in ["::1", "127.0.0.1"] {
            var client = daemon.client
            client.host = host
            #expect(try client.get("/health").status == 200, "over \(host)")
        }
        #expect(daemon.log.contains("listening on http://[::]:\(fixture.port)/ (IPv4 and IPv6)"), "\(daemon.log)")
    }
}
