import Foundation
import Platform
import SocketSupport
import Testing

/// The daemon with the default connection limit, while a run trains: 300 idle sockets and 300
/// trickling senders at once leave `/health` fast and training going, and are cut at
/// `http.request_timeout_seconds`.
@Suite(.serialized) struct HostileSocketsTests {
    @Test func idleAndTricklingSocketsDoNotStopTheAPIOrTraining() throws {
        OpenFileLimit.raise(toAtLeast: 4096)  // 600 sockets here; the daemon raises its own
        let fixture = try DaemonFixture(http: #""request_timeout_seconds": 3"#)
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let id = try daemon.submit(Specs.synthetic(name: "under-siege", batches: 20_000))
        try daemon.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= 5 }

        let siege = try Siege(port: fixture.port, idle: 300, trickling: 300, period: 0.25)
        let before = try daemon.client.get("/runs/\(id)").json["global_batch"] as? Int ?? 0
        var latencies: [Double] = []
        let start = Date()
        while Date().timeIntervalSince(start) < 2.5 {
            let sent = Date()
            #expect(try daemon.client.get("/health").status == 200)
            latencies.append(Date().timeIntervalSince(sent) * 1000)
            usleep(100_000)
        }
        let worst = latencies.max() ?? 0
        #expect(worst < 100, "a new client waited \(worst) ms for /health")
        let after = try daemon.client.get("/runs/\(id)").json["global_batch"] as? Int ?? 0
        #expect(after > before, "training went on: batch \(before) → \(after)")

        let open = siege.openAfterWaiting(upTo: 5)
        #expect(open == 0, "\(open) of 600 slow sockets still open \(Date().timeIntervalSince(start)) s in")
    }
}
