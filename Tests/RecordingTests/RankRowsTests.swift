import Statistics
import StatsStore
import Testing
@testable import Daemon

/// The wire form of the rows a data-parallel rank sends rank 0: what goes in comes out, filed
/// under rank 0's run and the sender's rank, and a cut or foreign frame is refused.
@Suite("Rows between ranks")
struct RankRowsTests {
    /// A frame of one row of each type, the rows rank 0 should file from it, and where each row ends.
    private func frame() -> ([UInt8], RankRows, Set<Int>) {
        var values = StatValues()
        values[.mean] = 0.5
        values[.nearZero] = 1e-300
        values[.max] = .infinity
        let stat = ActivationStatRow(runID: 9, path: "body.layer1.0.conv1", kind: .backward, batch: 41, epoch: 2, values: values, rank: 1)
        let histogram = HistogramRow(runID: 9, path: "ü.0", kind: .forward, batch: 41, epoch: 2, lo: -1, hi: 3, counts: [0, 7, Int64.max], rank: 1)
        let metric = BatchMetricRow(runID: 9, batch: 41, epoch: 2, loss: .nan, lr: 3e-3, rank: 1)
        let alert = AlertRow(runID: 9, rule: "exploding", path: "1", kind: "forward", batch: 40, epoch: 2, value: 1e9, threshold: .nan,
                             action: "stop", message: "mean \u{1} grew", rank: 1)
        var out = ByteWriter()
        RankRows.begin(&out)
        var ends: Set<Int> = [out.count]
        RankRows.encode(stat, into: &out)
        ends.insert(out.count)
        RankRows.encode(histogram, into: &out)
        ends.insert(out.count)
        RankRows.encode(metric, into: &out)
        ends.insert(out.count)
        RankRows.encode(alert, into: &out)
        var expected = RankRows(stats: [stat], histograms: [histogram], batchMetrics: [metric], alerts: [alert])
        // Filed under rank 0's run id and the rank the gather names.
        for i in expected.stats.indices { expected.stats[i].runID = 3; expected.stats[i].rank = 2 }
        for i in expected.histograms.indices { expected.histograms[i].runID = 3; expected.histograms[i].rank = 2 }
        for i in expected.batchMetrics.indices { expected.batchMetrics[i].runID = 3; expected.batchMetrics[i].rank = 2 }
        for i in expected.alerts.indices { expected.alerts[i].runID = 3; expected.alerts[i].rank = 2 }
        return (out.bytes, expected, ends)
    }

    @Test("every row type comes back field for field, NaN and infinities included")
    func roundTrip() throws {
        let (bytes, expected, _) = frame()
        let rows = try RankRows(decoding: bytes[...], runID: 3, rank: 2)
        #expect(rows.stats == expected.stats && rows.histograms == expected.histograms && rows.alerts.count == 1)
        #expect(rows.batchMetrics.count == 1 && rows.batchMetrics[0].loss.isNaN && rows.batchMetrics[0].lr == 3e-3)
        #expect(rows.alerts[0].threshold.isNaN && rows.alerts[0].message == expected.alerts[0].message)
        #expect(rows.stats[0].values.computed == [.mean, .nearZero, .max])
        #expect(try RankRows(decoding: [][...], runID: 3, rank: 2) == RankRows())
    }

    @Test("a frame cut inside a row, of another format or with an unknown row, is an error naming the rank")
    func badFrames() throws {
        // A cut between rows reads as fewer rows; the gather's length prefix tells that apart.
        let (bytes, _, ends) = frame()
        for cut in 2..<bytes.count where !ends.contains(cut) {
            #expect(throws: RankRowsError.self) { try RankRows(decoding: bytes[..<cut], runID: 3, rank: 2) }
        }
        var foreign = bytes
        foreign[0] = RankRows.format + 1
        #expect(throws: RankRowsError.self) { try RankRows(decoding: foreign[...], runID: 3, rank: 2) }
        let unknown: [UInt8] = [RankRows.format, 99]
        let error = #expect(throws: RankRowsError.self) { try RankRows(decoding: unknown[...], runID: 3, rank: 2) }
        #expect(error?.description.contains("rank 2") == true)
    }
}
