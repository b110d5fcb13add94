import Statistics
import StatsStore

/// The per-batch rows one rank sends rank 0, and their wire form: a format byte, then rows,
/// each a tag byte and its fields (`ByteWriter`). Run id and rank are not sent: rank 0 files
/// them under its own run id and the rank the gather says sent them.
struct RankRows: Equatable {
    var stats: [ActivationStatRow] = []
    var histograms: [HistogramRow] = []
    var batchMetrics: [BatchMetricRow] = []
    var alerts: [AlertRow] = []

    init(stats: [ActivationStatRow] = [], histograms: [HistogramRow] = [], batchMetrics: [BatchMetricRow] = [], alerts: [AlertRow] = []) {
        self.stats = stats
        self.histograms = histograms
        self.batchMetrics = batchMetrics
        self.alerts = alerts
    }

    /// Bumped when a field changes: ranks on two machines may run different builds.
    static let format: UInt8 = 1

    private enum Tag: UInt8 { case stat = 1, histogram, batchMetric, alert }

    /// Starts a frame.
    static func begin(_ out: inout ByteWriter) { out.append(format) }

    static func encode(_ row: ActivationStatRow, into out: inout ByteWriter) {
        encodeLayerBatch(.stat, row.path, row.kind, row.batch, row.epoch, into: &out)
        out.append(Int64(row.values.computed.rawValue))
        for statistic in row.values.computed { out.append(row.values[statistic]) }
    }

    static func encode(_ row: HistogramRow, into out: inout ByteWriter) {
        encodeLayerBatch(.histogram, row.path, row.kind, row.batch, row.epoch, into: &out)
        out.append(row.lo)
        out.append(row.hi)
        out.append(Int64(row.counts.count))
        for count in row.counts { out.append(count) }
    }

    /// The start of a layer's row: its tag, then which layer, kind and batch (read back in that order).
    private static func encodeLayerBatch(_ tag: Tag, _ path: String, _ kind: HookKind, _ batch: Int64, _ epoch: Int64,
                                         into out: inout ByteWriter) {
        out.append(tag.rawValue)
        out.append(path)
        out.append(kind: kind)
        out.append(batch)
        out.append(epoch)
    }

    static func encode(_ row: BatchMetricRow, into out: inout ByteWriter) {
        out.append(Tag.batchMetric.rawValue)
        out.append(row.batch)
        out.append(row.epoch)
        out.append(row.loss)
        out.append(row.lr)
    }

    static func encode(_ row: AlertRow, into out: inout ByteWriter) {
        out.append(Tag.alert.rawValue)
        for text in [row.rule, row.path, row.kind, row.action, row.message] { out.append(text) }
        out.append(row.batch)
        out.append(row.epoch)
        out.append(row.value)
        out.append(row.threshold)
    }

    /// The rows of one frame, filed under `runID` and `rank`.
    ///
    /// - Throws: `RankRowsError` for a frame of another format, an unknown row or a cut one.
    init(decoding bytes: ArraySlice<UInt8>, runID: Int64, rank: Int64) throws {
        var input = ByteReader(bytes)
        if input.isAtEnd { return }
        let format = try input.uint8()
        guard format == Self.format else {
            throw RankRowsError("rank \(rank) sends rows in format \(format), this hookd reads format \(Self.format): run the same hookd version on every rank")
        }
        do {
            while !input.isAtEnd { try read(&input, runID: runID, rank: rank) }
        } catch let cut as ByteReader.Truncated {
            throw RankRowsError("rank \(rank) sent a cut frame: \(cut)")
        }
    }

    private mutating func read(_ input: inout ByteReader, runID: Int64, rank: Int64) throws {
        let tag = try input.uint8()
        switch Tag(rawValue: tag) {
        case .stat:
            let path = try input.string(), kind = try input.kind(rank: rank), batch = try input.int64(), epoch = try input.int64()
            let computed = StatSet(rawValue: UInt32(truncatingIfNeeded: try input.int64()))
            var values = StatValues()
            for statistic in computed { values[statistic] = try input.double() }
            stats.append(ActivationStatRow(runID: runID, path: path, kind: kind, batch: batch, epoch: epoch, values: values, rank: rank))
        case .histogram:
            let path = try input.string(), kind = try input.kind(rank: rank), batch = try input.int64(), epoch = try input.int64()
            let lo = try input.double(), hi = try input.double()
            let count = try input.int64()
            guard (0...1 << 20).contains(count) else { throw RankRowsError("rank \(rank) sent a histogram of \(count) bins") }
            let counts = try (0..<count).map { _ in try input.int64() }
            histograms.append(HistogramRow(runID: runID, path: path, kind: kind, batch: batch, epoch: epoch, lo: lo, hi: hi,
                                           counts: counts, rank: rank))
        case .batchMetric:
            batchMetrics.append(BatchMetricRow(runID: runID, batch: try input.int64(), epoch: try input.int64(),
                                               loss: try input.double(), lr: try input.double(), rank: rank))
        case .alert:
            let rule = try input.string(), path = try input.string(), kind = try input.string()
            let action = try input.string(), message = try input.string()
            alerts.append(AlertRow(runID: runID, rule: rule, path: path, kind: kind, batch: try input.int64(), epoch: try input.int64(),
                                   value: try input.double(), threshold: try input.double(), action: action, message: message,
                                   rank: rank))
        case nil:
            throw RankRowsError("rank \(rank) sent a row of unknown type \(tag)")
        }
    }
}

/// A frame of rows from another rank that rank 0 cannot read.
struct RankRowsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension ByteWriter {
    fileprivate mutating func append(kind: HookKind) { append(kind == .forward ? UInt8(0) : 1) }
}

extension ByteReader {
    fileprivate mutating func kind(rank: Int64) throws -> HookKind {
        switch try uint8() {
        case 0: .forward
        case 1: .backward
        case let other: throw RankRowsError("rank \(rank) sent a hook kind \(other)")
        }
    }
}
