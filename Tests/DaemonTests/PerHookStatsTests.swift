import Foundation
import Statistics
import StatsStore
import Testing

/// Each hook computes and stores what its `stats` names, whatever the run's spec asked for.
@Suite(.serialized) struct PerHookStatsTests {
    @Test("a histogram hook attached over HTTP records from its attached batch; unasked columns stay NULL")
    func histogramOnAnyHook() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let c = daemon.client
        let batches = 160
        let id = try daemon.submit(Specs.synthetic(name: "per-hook", batches: batches,
                                                   hooks: #"[{"modules": ["0.0"], "stats": ["mean", "abs_mean"]}]"#))
        try daemon.waitForRun(id) { $0["status"] as? String == "running" && ($0["global_batch"] as? Int ?? 0) >= 5 }

        // The spec asked for no histogram anywhere; these two hooks do.
        var attached: [String: Int] = [:]
        for layer in ["1.0", "0.0"] {
            let attach = try c.post("/hooks", json: #"{"layer": "\#(layer)", "stats": ["histogram"]}"#)
            #expect(attach.status == 201, "\(attach.text)")
            attached[layer] = try #require(attach.json["attached_batch"] as? Int)
        }
        try daemon.waitForRun(id) { $0["status"] as? String == "finished" }

        let reader = try StatsReader(path: fixture.databasePath)
        let run = Int64(id)
        // numel of one batch's output: 16 images of 8x14x14 (0.0) and 16x7x7 (1.0).
        for (layer, numel) in [("0.0", 16 * 8 * 14 * 14), ("1.0", 16 * 16 * 7 * 7)] {
            let rows = try reader.histograms(run: run, layer: layer)
            let from = try #require(attached[layer])
            #expect(rows.map(\.batch) == Array(Int64(from)..<Int64(batches)), "\(layer) histogram batches")
            #expect(rows.allSatisfy { $0.counts.count == 40 && $0.lo == 0 && $0.hi == 10 })
            #expect(rows.allSatisfy { $0.counts.reduce(0, +) > 0 && $0.counts.reduce(0, +) <= Int64(numel) }, "\(layer) counts")
        }
        #expect(try reader.histograms(run: run, layer: "0.1").isEmpty)

        // 0.0: the spec's hook fills mean and abs_mean on every batch; the histogram-only hook on
        // the same layer neither adds a row nor blanks them. 1.0 has no scalar hook: no rows.
        let series = try reader.stats(run: run, layer: "0.0")
        #expect(series.batch == Array(0..<Int64(batches)))
        for statistic in Statistic.allCases {
            let asked: Set<Statistic> = [.mean, .absMean]
            if asked.contains(statistic) {
                #expect(series[statistic].allSatisfy { $0.isFinite }, "\(statistic.name) recorded")
            } else {
                #expect(series[statistic].allSatisfy { $0.isNaN }, "\(statistic.name) is NULL")
            }
        }
        #expect(zip(series[.mean], series[.absMean]).allSatisfy { $0 <= $1 + 1e-9 }, "|mean| <= mean |x|")
        #expect(try daemon.statBatches(run: id, layer: "1.0").isEmpty)

        let json = try c.get("/stats/0.0?run=\(id)&limit=3").json
        #expect((json["abs_mean"] as? [Double])?.count == 3)
        #expect((json["near_zero"] as? [Any])?.allSatisfy { $0 is NSNull } == true)
        let metrics = try c.get("/metrics").text
        #expect(metrics.contains("hookd_activation_abs_mean{layer=\"0.0\",kind=\"forward\"}"))
        #expect(!metrics.contains("hookd_activation_std{layer=\"0.0\""))
    }
}
