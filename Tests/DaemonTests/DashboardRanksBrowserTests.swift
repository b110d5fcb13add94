import Foundation
import Testing

/// The dashboard on a data-parallel run, in Debian's headless Chromium: two daemons train the
/// run's two ranks, and the page on rank 0's daemon (which holds both ranks' rows) overlays the
/// ranks' losses and switches the layer charts and the colorful dimension with its rank selector.
@Suite(.serialized) struct DashboardRanksBrowserTests {
    @Test(.enabled(if: HeadlessChromium.isInstalled, "chromium is not installed (scripts/setup.sh installs it)"))
    func theLossChartOverlaysTheRanksAndTheSelectorSwitchesTheLayers() throws {
        let fixtures = try (0..<2).map { _ in try DaemonFixture() }
        let daemons = try fixtures.map { try $0.start() }
        defer { for daemon in daemons { daemon.stop() } }
        let master = "127.0.0.1:\(DaemonProcess.freePort())"
        let hooks = #"[{"modules": "params", "stats": ["mean", "std", "near_zero"]}, {"modules": ["1"], "stats": ["histogram"]}]"#
        let ids = try daemons.enumerated().map { rank, daemon in
            try daemon.submit(Specs.dataParallel(rank: rank, master: master, epochs: 100_000, hooks: hooks))
        }
        let browser = try HeadlessChromium()
        defer { browser.quit() }
        let page = try BrowserPage(browser, url: "http://127.0.0.1:\(daemons[0].port)/?run=\(ids[0])")
        try page.waitFor("the page shows both ranks", """
            window.hookd && hookd.state.ready === true && hookd.state.worldSize === 2
              && (hookd.charts.loss.series.get('rank 1') || new Map()).size >= 5
              && (hookd.charts.mean.series.get('1') || new Map()).size >= 5
            """, timeout: 60)
        #expect(try page.evaluate("document.getElementById('rank-control').hidden") as? Bool == false)
        #expect(try page.evaluate("document.querySelector('#runs tbody tr').cells[1].textContent") as? String == "ddp (rank 0 of 2)")

        /// The points a chart drew for `label`, by batch.
        func drawn(_ chart: String, _ label: String) throws -> [Int: Double] {
            let text = try #require(try page.evaluate("JSON.stringify([...hookd.charts.\(chart).series.get('\(label)')])") as? String)
            let pairs = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Double]])
            return Dictionary(uniqueKeysWithValues: pairs.map { (Int($0[0]), $0[1]) })
        }
        /// A served columnar series, by batch.
        func served(_ path: String, _ column: String) throws -> [Int: Double] {
            let json = try daemons[0].client.get(path).json
            return Dictionary(uniqueKeysWithValues: zip(json["batch"] as? [Int] ?? [], json[column] as? [Double] ?? []))
        }
        for rank in 0..<2 {
            let points = try drawn("loss", "rank \(rank)")
            let stored = try served("/runs/\(ids[0])/batches?rank=\(rank)", "loss")
            #expect(points.count >= 5 && points.allSatisfy { stored[$0.key] == $0.value }, "rank \(rank)'s loss line is its rows")
        }
        let zeroMeans = try drawn("mean", "1")
        let storedZero = try served("/stats/1?run=\(ids[0])&rank=0", "mean")
        #expect(zeroMeans.allSatisfy { storedZero[$0.key] == $0.value }, "the layer charts start at rank 0")

        _ = try page.evaluate("(() => { const s = document.getElementById('rank'); s.value = '1'; s.dispatchEvent(new Event('change')); })()")
        try page.waitFor("rank 1's layer charts", "hookd.state.rank === 1 && (hookd.charts.mean.series.get('1') || new Map()).size >= 5", timeout: 30)
        // Read back after a moment: the live stream keeps appending rank 1's batches only.
        usleep(500_000)
        let oneMeans = try drawn("mean", "1")
        let storedOne = try served("/stats/1?run=\(ids[0])&rank=1", "mean")
        #expect(!oneMeans.isEmpty && oneMeans.allSatisfy { storedOne[$0.key] == $0.value }, "rank 1's means after switching")
        // Rank 0's rows of the same batches, read now: rank 1's drawn batches may all be newer
        // than the first read (its rows reach rank 0's file in gathers, the live ones after).
        let zeroNow = try served("/stats/1?run=\(ids[0])&rank=0", "mean")
        #expect(oneMeans.contains { zeroNow[$0.key] != nil && zeroNow[$0.key] != $0.value }, "not rank 0's")
        try page.waitFor("rank 1's colorful dimension", "hookd.colorDim.batch.length >= 3", timeout: 30)
        let column = try #require(try page.evaluate("JSON.stringify([hookd.colorDim.batch[0], hookd.colorDim.values[0]])") as? String)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(column.utf8)) as? [Any])
        let batch = try #require(parsed[0] as? Int)
        let counts = try #require((daemons[0].client.get("/histograms/1?run=\(ids[0])&rank=1&from=\(batch)&to=\(batch)").json["counts"] as? [[Int]])?.first)
        let values = try #require(parsed[1] as? [Double])
        #expect(values.count == counts.count && zip(values, counts).allSatisfy { abs($0 - log1p(Double($1))) < 1e-12 })
        let errors = try page.evaluate("JSON.stringify(hookd.state.errors)") as? String
        #expect(errors == "[]", "\(errors ?? "")")
        _ = try daemons[0].client.delete("/runs/\(ids[0])")
        for (rank, daemon) in daemons.enumerated() { try daemon.waitForRun(ids[rank], timeout: 30) { $0["status"] as? String == "cancelled" } }
    }
}
