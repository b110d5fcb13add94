import Foundation
import SVGInspection
import Statistics
import StatsStore
import Testing
@testable import Daemon

/// A plot over HTTP never renders a long run whole: 1000 points unless `limit` says otherwise.
@Suite struct PlotLimitTests {
    @Test func aLongRunsPlotIsSampledTo1000PointsByDefault() throws {
        let h = try RouterTests.Harness()
        let run = try h.core.writer.createRun(name: "long", spec: "{}")
        try h.core.writer.insertModules([ModuleRecord(path: "0.0", type: "Conv2d", outputShape: [4], params: 4, trainable: true)], runID: run)
        h.core.writer.record((0..<1200).map { b in
            ActivationStatRow(runID: run, path: "0.0", kind: .forward, batch: Int64(b), epoch: 0, values: StatValues([.mean: Double(b)]))
        })
        try h.core.writer.flush()
        #expect(try ParsedSVG(h.request(.get, "/plots/0.0.svg?run=\(run)").body).seriesPoints == 1000)
        #expect(try ParsedSVG(h.request(.get, "/plots/0.0.svg?run=\(run)&limit=20").body).seriesPoints == 20)
        #expect(try ParsedSVG(h.request(.get, "/plots/0.0.svg?run=\(run)&limit=1200").body).seriesPoints == 1200)
    }
}
