import HookKit
import StatsStore

/// One place to look (issue 14): a data-parallel rank's recorded rows reach rank 0's stats file
/// through the process group, gathered by `RankSync`, not through a second transport.
///
/// On ranks other than 0, `StatsRecorder` and `HealthWatch` hand it every per-batch row they
/// record (they still write their own file too, so a rank's rows survive rank 0); it keeps
/// them encoded until the next gather. On rank 0 it files what the others sent under its own
/// run, with their rank, through its writer. Used on the training queue only.
final class RankRowsExchange: RankMail {
    private let writer: StatsWriter
    private let runID: Int64
    private let rank: Int
    private var waiting = ByteWriter()

    init(writer: StatsWriter, runID: Int64, rank: Int) {
        self.writer = writer
        self.runID = runID
        self.rank = rank
    }

    /// Whether this rank sends its rows (every rank but 0).
    var sends: Bool { rank != 0 }

    func send(_ stats: [ActivationStatRow], histograms: [HistogramRow]) {
        guard sends else { return }
        startFrame()
        for row in stats { RankRows.encode(row, into: &waiting) }
        for row in histograms { RankRows.encode(row, into: &waiting) }
    }

    func send(_ row: BatchMetricRow) {
        guard sends else { return }
        startFrame()
        RankRows.encode(row, into: &waiting)
    }

    func send(_ row: AlertRow) {
        guard sends else { return }
        startFrame()
        RankRows.encode(row, into: &waiting)
    }

    private func startFrame() {
        if waiting.count == 0 { RankRows.begin(&waiting) }
    }

    // MARK: RankMail

    var collects: Bool { rank == 0 && writer.isRecording }

    var pendingCount: Int { waiting.count }

    func take() -> [UInt8] {
        defer { waiting.removeAll() }
        return waiting.bytes
    }

    func discard() { waiting.removeAll() }

    func received(_ bytes: ArraySlice<UInt8>, from rank: Int) throws {
        let rows = try RankRows(decoding: bytes, runID: runID, rank: Int64(rank))
        // One batch of rows per hand-over, as the rank's own writer would commit them.
        writer.record(rows.stats, histograms: rows.histograms)
        for row in rows.batchMetrics { writer.record(row) }
        for row in rows.alerts { writer.record(row) }
    }
}
