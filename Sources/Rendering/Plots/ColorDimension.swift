import Foundation
import Statistics
import StatsStore

/// fastai's "colorful dimension" of one layer: every recorded batch's value histogram as one
/// column of `log1p(count)`, bins in value order (row 0 is the lowest bin, drawn at the bottom).
///
/// The one definition of the matrix: `hookd plot`, `GET /plots/{layer}.svg` and the dashboard
/// all draw this. Colours scale to `maximum`, the largest value of the whole matrix, as
/// fastai's `plt.imshow` of the image does (one scale per image, not per column).
public struct ColorDimension: Sendable, Equatable {
    public let runID: Int64
    public let layer: String
    public let kind: HookKind
    /// The batch of each column, ascending.
    public let batches: [Int64]
    /// Lower edge of the first bin and upper edge of the last (fastai: 0 and 10).
    public let lo: Double
    public let hi: Double
    /// `log1p(count)` per column (batch), each in bin order.
    public let columns: [[Double]]

    /// The matrix of `rows`, one column per row in their order; the bin range is the first row's
    /// (one hook spec gives every row of a layer the same bins).
    public init(runID: Int64, layer: String, kind: HookKind, rows: [HistogramRow]) {
        self.runID = runID
        self.layer = layer
        self.kind = kind
        batches = rows.map(\.batch)
        lo = rows.first?.lo ?? 0
        hi = rows.first?.hi ?? 10
        columns = rows.map { $0.counts.map { log1p(Double($0)) } }
    }

    /// Reads one layer's histograms in `from...to`, at most `limit` evenly spaced columns
    /// (`StatsReader.histograms`' sampling), and builds their matrix.
    ///
    /// - Throws: `StatsStoreError` (`runNotFound`, `layerNotFound`, `invalidArgument`).
    public static func read(from reader: StatsReader, run: Int64, layer: String, kind: HookKind = .forward, rank: Int64? = nil,
                            from: Int64? = nil, to: Int64? = nil, limit: Int? = nil) throws -> ColorDimension {
        let rows = try reader.histograms(run: run, layer: layer, kind: kind, rank: rank, from: from, to: to, limit: limit)
        return ColorDimension(runID: run, layer: layer, kind: kind, rows: rows)
    }

    /// Bins per column (fastai: 40); the longest column's, 0 without columns.
    public var binCount: Int { columns.map(\.count).max() ?? 0 }

    /// The largest value in the matrix: the top of the colour scale (0 when empty).
    public var maximum: Double { columns.lazy.compactMap { $0.max() }.max() ?? 0 }
}
