import Statistics
import StatsStore

/// One layer's plot as a self-contained SVG, read from a stats file: what `hookd plot` prints
/// and `GET /plots/{layer}.svg` serves, through this one path.
public enum LayerPlot {
    /// The SVG of `stat` for one layer of a run.
    ///
    /// - Parameters:
    ///   - from, to: the batch range (inclusive); nil for the start or the end.
    ///   - limit: at most this many batches, evenly spaced, first and last kept (>= 2), sampled
    ///     as `StatsReader.stats` and `StatsReader.histograms` sample; nil for every batch.
    /// - Throws: `StatsStoreError` (`runNotFound`, `layerNotFound`, `invalidArgument`).
    public static func svg(reader: StatsReader, run: Int64, layer: String, kind: HookKind = .forward, rank: Int64? = nil,
                           stat: PlotStat, from: Int64? = nil, to: Int64? = nil, limit: Int? = nil) throws -> String {
        let ofRank = rank.map { ", rank \($0)" } ?? ""
        let sampled = limit.map { ", at most \($0) batches sampled" } ?? ""
        switch stat {
        case .statistic(let statistic):
            let series = try reader.stats(run: run, layer: layer, kind: kind, rank: rank, from: from, to: to, limit: limit)
            let span = series.batch.first.map { "batches \($0)–\(series.batch.last ?? $0)" } ?? "no batches"
            let frame = ChartFrame(title: "\(statistic.name) of layer \(layer) (\(kind.rawValue)), run \(run)\(ofRank)",
                                   subtitle: "\(series.count) recorded, \(span)\(sampled)",
                                   xLabel: "batch", yLabel: statistic.name)
            return LineChart(frame: frame, x: series.batch.map(Double.init), y: series[statistic]).svg()
        case .colorDimension:
            let matrix = try ColorDimension.read(from: reader, run: run, layer: layer, kind: kind, rank: rank, from: from, to: to, limit: limit)
            let frame = ChartFrame(title: "colorful dimension of layer \(layer) (\(kind.rawValue)), run \(run)\(ofRank)",
                                   subtitle: "log1p(histogram counts), \(matrix.binCount) bins over [\(matrix.lo), \(matrix.hi)], "
                                       + "\(matrix.batches.count) batches\(sampled); colour scaled to the image's max",
                                   xLabel: "batch", yLabel: "activation value")
            return ColorDimensionChart(frame: frame, matrix: matrix).svg()
        }
    }
}
