import Foundation
import Testing

/// Strict input through the real `hookd serve` (issue 15): duplicate keys, repeated hooks and
/// too many hooks are refused over HTTP with their path or the hook they repeat.
@Suite(.serialized) struct StrictInputTests {
    @Test func duplicatesAndTooManyHooksAreRefused() throws {
        // The default hooks are the 5 parameterised leaves; two more fit.
        let fixture = try DaemonFixture(training: #""max_hooks": 7"#)
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let c = daemon.client

        let spec = Specs.synthetic(name: "strict", epochs: 40, batches: 256)
        let twice = try c.post("/runs", json: spec.replacingOccurrences(of: #""epochs":40"#, with: #""epochs":40,"epochs":1"#))
        #expect(twice.status == 400)
        #expect(twice.errorCode == "invalid_spec")
        #expect(twice.errorMessage == #"$.train.epochs: duplicate key "epochs""#)
        let eight = #"[{"modules":["0.0","0.1","0.2","1.0","1.1","1.2","2.0","2.1"]}]"#
        let crowded = try c.post("/runs", json: Specs.synthetic(name: "crowded", hooks: eight))
        #expect(crowded.status == 400)
        #expect(crowded.errorMessage == "$.hooks[0].modules[7]: more than 7 hooks in one run (training.max_hooks)")
        // A relative data path would be the daemon's working directory, which no client chose.
        let relative = try c.post("/runs", json: #"{"model":{"arch":"mlp","layers":[784,10]},"data":{"format":"idx","path":"data/fashion"}}"#)
        #expect(relative.status == 400)
        #expect(relative.errorMessage == #"$.data.path: must be an absolute path for the daemon, got "data/fashion""#)
        // A rank outside the world size is refused before anything is queued.
        let rank = try c.post("/runs", json: spec.replacingOccurrences(
            of: #""epochs":40"#, with: #""epochs":40,"distributed":{"world_size":2,"rank":2,"master":"127.0.0.1:29500"}"#))
        #expect(rank.status == 400)
        #expect(rank.errorMessage == "$.train.distributed.rank: rank 2 must be in 0..<2 (the world size)", "\(rank.errorMessage)")
        #expect((try c.get("/runs").json["runs"] as? [Any])?.count == 0)

        let id = try daemon.submit(spec)
        try daemon.waitForRun(id) { $0["status"] as? String == "running" && ($0["global_batch"] as? Int ?? 0) >= 1 }
        let repeatedStat = try c.post("/hooks", json: #"{"layer":"0.2","stats":["mean","mean"]}"#)
        #expect(repeatedStat.status == 400)
        #expect(repeatedStat.errorMessage == #"$.stats[1]: duplicate statistic "mean""#)

        let first = try c.post("/hooks", json: #"{"layer":"0.2"}"#)
        #expect(first.status == 201, "\(first.text)")
        let hookID = try #require(first.json["id"] as? Int)
        let again = try c.post("/hooks", json: #"{"layer":"0.2","stats":["std"]}"#)
        #expect(again.status == 409)
        #expect(again.errorCode == "hook_exists")
        #expect(again.errorMessage == "run \(id) already has hook \(hookID) on '0.2' (forward) recording std")
        // A spec hook counts too; the other direction is a different hook (and so are other
        // statistics: PerHookStatsTests adds a histogram beside the spec's scalars).
        #expect(try c.post("/hooks", json: #"{"layer":"0.0"}"#).errorCode == "hook_exists")
        #expect(try c.post("/hooks", json: #"{"layer":"0.2","kind":"backward"}"#).status == 201)

        let full = try c.post("/hooks", json: #"{"layer":"1.2"}"#)
        #expect(full.status == 409)
        #expect(full.errorCode == "too_many_hooks")
        #expect(full.errorMessage == "run \(id) already has 7 hooks (training.max_hooks)")
        let open = try c.get("/hooks").json["hooks"] as? [[String: Any]] ?? []
        #expect(open.filter { $0["active"] as? Bool == true }.count == 7)
        #expect(try c.delete("/runs/\(id)").status == 202)
    }

    @Test func pendingAttachesAreCheckedAgainstEachOther() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let pending = try daemon.client.post("/hooks", json: #"{"layer":"0.2"}"#)
        #expect(pending.status == 201 && pending.json["pending"] as? Bool == true, "\(pending.text)")
        let pendingID = try #require(pending.json["pending_id"] as? Int)
        let again = try daemon.client.post("/hooks", json: #"{"layer":"0.2"}"#)
        #expect(again.status == 409)
        #expect(again.errorMessage == "the next run already has pending hook p\(pendingID) on '0.2' (forward) recording mean")
    }
}
