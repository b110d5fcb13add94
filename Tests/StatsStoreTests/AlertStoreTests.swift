import Foundation
import Testing

@testable import StatsStore

/// Schema v4: alerts go through the writer like other rows and are read back newest first.
@Suite struct AlertStoreTests {
    private func alert(_ run: Int64, _ rule: String, batch: Int64, value: Double = .nan) -> AlertRow {
        AlertRow(runID: run, rule: rule, path: rule == "loss_divergence" ? "loss" : "0.0", kind: rule == "loss_divergence" ? "loss" : "forward",
                 batch: batch, epoch: 0, value: value, threshold: .nan, action: "warn", message: "\(rule) at \(batch)")
    }

    @Test func alertsAreReadNewestFirstPerRunAndSurviveReopening() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let a = try writer.createRun(name: "a", spec: "{}")
        let b = try writer.createRun(name: "b", spec: "{}")
        writer.record(alert(a, "non_finite", batch: 3))
        writer.record(alert(b, "exploding", batch: 5, value: 250))
        writer.record(alert(a, "loss_divergence", batch: 9, value: 7))
        try writer.close()

        let reader = try StatsReader(path: path)
        let ofA = try reader.alerts(run: a)
        #expect(ofA.map(\.batch) == [9, 3] && ofA.map(\.rule) == ["loss_divergence", "non_finite"])
        #expect(ofA[1].value.isNaN && ofA[1].threshold.isNaN && ofA[0].value == 7)
        #expect(!ofA[0].createdAt.isEmpty && ofA[0].kind == "loss" && ofA[0].message == "loss_divergence at 9")
        #expect(try reader.alerts().map(\.runID) == [a, b, a])
        #expect(try reader.alertCounts(run: a).map { "\($0.rule)/\($0.path)=\($0.count)" } == ["loss_divergence/loss=1", "non_finite/0.0=1"])
        #expect(throws: StatsStoreError.self) { try reader.alerts(run: 99) }
    }
}
