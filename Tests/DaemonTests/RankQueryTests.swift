import Foundation
import Testing

/// `?rank=` on the daemon's per-batch reads, over a stats file that two `hookd train` ranks
/// filled (rank 0's file holds both ranks' rows), checked against the file's own rows.
@Suite(.serialized) struct RankQueryTests {
    @Test func eachRankAndAllRanksAreServedFromRankZerosFile() throws {
        let fixture = try DaemonFixture()
        try FileManager.default.createDirectory(atPath: fixture.directory.path("state"), withIntermediateDirectories: true)
        let master = "127.0.0.1:\(DaemonProcess.freePort())"
        let hooks = #"[{"modules": ["1"], "stats": ["mean", "std", "histogram"]}]"#
        try CommandLineRanks.train((0..<2).map { Specs.dataParallel(rank: $0, master: master, epochs: 1, trainCount: 160, hooks: hooks) },
                                   databases: [fixture.databasePath, nil], in: fixture.directory)

        let daemon = try fixture.start()
        defer { daemon.stop() }
        let c = daemon.client
        let rows = try SeriesEndpointsTests.query(fixture.databasePath,
                                                  "SELECT rank, batch, mean FROM activation_stats WHERE path = '1' ORDER BY rank, batch")
        #expect(rows.count == 20)
        let of = { (rank: Int) in rows.filter { $0["rank"] as? Int == rank } }

        let own = try c.get("/stats/1?run=1").json
        #expect(own["batch"] as? [Int] == of(0).map { $0["batch"] as! Int })
        #expect(own["rank"] as? [Int] == Array(repeating: 0, count: 10))
        let one = try c.get("/stats/1?run=1&rank=1").json
        #expect(one["mean"] as? [Double] == of(1).map { $0["mean"] as! Double })
        #expect(one["rank"] as? [Int] == Array(repeating: 1, count: 10))
        #expect(one["mean"] as? [Double] != own["mean"] as? [Double], "rank 1 trained other images")
        let all = try c.get("/stats/1?run=1&rank=all").json
        #expect(all["batch"] as? [Int] == rows.map { $0["batch"] as! Int })
        #expect(all["rank"] as? [Int] == rows.map { $0["rank"] as! Int })
        #expect(all["mean"] as? [Double] == rows.map { $0["mean"] as! Double })
        #expect((try c.get("/stats/1?run=1&rank=all&limit=3").json["rank"] as? [Int]) == [0, 0, 0, 1, 1, 1], "limit is per rank")
        #expect(try c.get("/stats/1?run=1&rank=1&format=csv").text.hasPrefix("batch,rank,mean,"))

        let batches = try c.get("/runs/1/batches?rank=all").json
        #expect(batches["rank"] as? [Int] == Array(repeating: 0, count: 10) + Array(repeating: 1, count: 10))
        let histogram = try c.get("/histograms/1?run=1&rank=1").json
        #expect(histogram["rank"] as? Int == 1 && (histogram["batch"] as? [Int])?.count == 10)
        #expect(try c.get("/plots/1.svg?run=1&rank=1").text.contains("rank 1"))

        for bad in ["/stats/1?run=1&rank=2", "/stats/1?run=1&rank=-1", "/stats/1?run=1&rank=x", "/plots/1.svg?run=1&rank=all",
                    "/histograms/1?run=1&rank=all", "/runs/1/batches?rank=7"] {
            let response = try c.get(bad)
            #expect(response.status == 400 && response.errorCode == "invalid_parameter", "\(bad): \(response.status) \(response.text)")
        }
        #expect(try c.get("/stats/1?run=1&rank=2").errorMessage.contains("world size"))
    }
}
