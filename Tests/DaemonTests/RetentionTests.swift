import Foundation
import Testing

/// `stats.keep_runs`: as runs end, the daemon deletes the older ended runs with their rows and
/// their directories, and never a run that may still train.
@Suite struct RetentionTests {
    @Test func theDaemonKeepsTheNewestEndedRunsOnly() throws {
        let fixture = try DaemonFixture(stats: #""keep_runs": 2"#)
        let daemon = try fixture.start()
        defer { daemon.stop() }
        var ids: [Int] = []
        for i in 1...3 {
            let id = try daemon.submit(Specs.synthetic(name: "r\(i)", batches: 8))
            try daemon.waitForRun(id) { $0["status"] as? String == "finished" }
            ids.append(id)
        }
        // A run queued behind a long one may still train: retention never counts or touches it.
        let long = try daemon.submit(Specs.synthetic(name: "long", epochs: 10_000, batches: 16))
        let queued = try daemon.submit(Specs.synthetic(name: "queued", batches: 8))
        try daemon.waitForRun(long) { ($0["batch"] as? Int ?? 0) > 0 }

        let listed = (try daemon.client.get("/runs").json["runs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(listed == [ids[1], ids[2], long, queued])
        #expect(try daemon.client.get("/runs/\(ids[0])").status == 404)
        #expect(try daemon.client.get("/stats/0.0?run=\(ids[0])").status == 404)
        #expect(try daemon.client.get("/stats/0.0?run=\(ids[1])").status == 200)
        let runs = fixture.directory.path("state") + "/runs"
        #expect(!FileManager.default.fileExists(atPath: "\(runs)/\(ids[0])"))
        #expect(FileManager.default.fileExists(atPath: "\(runs)/\(ids[2])"))
        #expect(daemon.log.contains("retention: deleted run \(ids[0]) (stats.keep_runs = 2)"), "\(daemon.log)")
    }
}
