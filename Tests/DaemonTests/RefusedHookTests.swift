import Foundation
import Testing

/// A pending attach the run cannot honour does not vanish: the log and `GET /hooks` say why.
@Suite(.serialized) struct RefusedHookTests {
    @Test("a pending hook on a layer the model lacks is refused when the run starts, in the log and GET /hooks")
    func pendingHookOnUnknownLayer() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        // No run trains yet, so the model is unknown: the attach waits for the next run.
        let pending = try daemon.client.post("/hooks", json: #"{"layer": "9.9"}"#)
        #expect(pending.status == 201, "\(pending.text)")
        let pendingID = try #require(pending.json["pending_id"] as? Int)

        let id = try daemon.submit(Specs.synthetic(name: "refuses", batches: 8))
        try daemon.waitForRun(id) { $0["status"] as? String == "finished" }
        let refused = try #require(try daemon.hooks(run: id).first { $0["pending_id"] as? Int == pendingID })
        #expect(refused["layer"] as? String == "9.9")
        #expect(refused["pending"] as? Bool == false)
        #expect((refused["refused"] as? String)?.contains("no module '9.9'") == true, "\(refused)")
        #expect(daemon.log.contains("run \(id): attach on 9.9 (forward) refused"), "\(daemon.log)")
        // The spec's own hooks are there as usual, and nothing is still pending.
        #expect(try daemon.hooks(run: id).filter { $0["pending"] as? Bool == true }.isEmpty)
    }
}
