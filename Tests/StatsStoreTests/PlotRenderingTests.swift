import Foundation
import Rendering
import SVGInspection
import Statistics
import StatsStore
import Testing

/// `LayerPlot` over a real stats file: sampling, XML validity whatever the layer is called,
/// and the colorful-dimension matrix it draws.
@Suite("Plots from a stats file")
struct PlotRenderingTests {
    /// A stats file with `batches` rows of stats and histograms (counts b, 0, 2b, …) for `layer`.
    private func recorded(_ dir: TempDir, layer: String = "0.0", batches: Int64) throws -> (String, Int64) {
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let run = try writer.createRun(name: "plots", spec: "{}")
        writer.record(statRows(run: run, path: layer, batches: 0..<batches))
        for b in 0..<batches {
            writer.record(HistogramRow(runID: run, path: layer, kind: .forward, batch: b, epoch: 0,
                                       counts: (0..<40).map { $0 % 2 == 0 ? b * Int64($0 / 2) : 0 }))
        }
        try writer.close()
        return (path, run)
    }

    @Test("histograms sample by limit exactly as stats do", arguments: [(100, 7), (100, 2), (100, 100), (5, 40), (1000, 33)])
    func histogramLimitMatchesStats(rows: Int64, limit: Int) throws {
        let dir = try TempDir()
        let (path, run) = try recorded(dir, batches: rows)
        let reader = try StatsReader(path: path)
        let histograms = try reader.histograms(run: run, layer: "0.0", limit: limit).map(\.batch)
        #expect(histograms == (try reader.stats(run: run, layer: "0.0", limit: limit).batch))
        #expect(histograms.count == min(Int(rows), limit) && histograms.first == 0 && histograms.last == rows - 1)
        let ranged = try reader.histograms(run: run, layer: "0.0", from: 10, to: 20, limit: 3).map(\.batch)
        #expect(ranged == (rows > 20 ? [10, 15, 20] : []))
        #expect(throws: StatsStoreError.invalidArgument("limit must be at least 2 (first and last batch), got 1")) {
            try reader.histograms(run: run, layer: "0.0", limit: 1)
        }
    }

    @Test("on a series with gaps too, histograms and stats pick the same batches (one seek per row)")
    func histogramLimitOnAGappySeries() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let run = try writer.createRun(name: "gaps", spec: "{}")
        // Dense to 500, then every 37th batch (a hook with `every`), to 20,000.
        let batches = Array(0..<500) + Array(stride(from: 500, to: 20_000, by: 37)).map(Int64.init)
        for b in batches {
            writer.record(statRows(run: run, batches: b..<b + 1))
            writer.record(HistogramRow(runID: run, path: "0.0", kind: .forward, batch: b, epoch: 0, counts: [b]))
        }
        try writer.close()
        let reader = try StatsReader(path: path)
        for (from, to, limit) in [(nil, nil, 2), (nil, nil, 50), (Int64(100), Int64(9_000), 77), (nil, nil, 5_000)] as [(Int64?, Int64?, Int)] {
            let histograms = try reader.histograms(run: run, layer: "0.0", from: from, to: to, limit: limit)
            #expect(histograms.map(\.batch) == (try reader.stats(run: run, layer: "0.0", from: from, to: to, limit: limit).batch),
                    "from \(from ?? -1) to \(to ?? -1) limit \(limit)")
            #expect(histograms.allSatisfy { $0.counts == [$0.batch] })
        }
    }

    @Test("a line chart has one point per batch, or per sample with limit")
    func lineChartPoints() throws {
        let dir = try TempDir()
        let (path, run) = try recorded(dir, batches: 50)
        let reader = try StatsReader(path: path)
        let all = try ParsedSVG(LayerPlot.svg(reader: reader, run: run, layer: "0.0", stat: .statistic(.std)))
        #expect(all.seriesPoints == 50)
        #expect(all.title == "std of layer 0.0 (forward), run \(run)")
        #expect(!all.hasExternalReferences)
        let sampled = try ParsedSVG(LayerPlot.svg(reader: reader, run: run, layer: "0.0", stat: .statistic(.mean), limit: 8))
        #expect(sampled.seriesPoints == 8)
        // abs_mean was never recorded: NULL in every row, nothing to draw, said so.
        let empty = try ParsedSVG(LayerPlot.svg(reader: reader, run: run, layer: "0.0", stat: .statistic(.absMean)))
        #expect(empty.seriesPoints == 0 && empty.all("text", class: "note").first?.text == "no recorded values")
    }

    @Test("the colorful dimension: one column per batch, log1p of the stored counts, bins bottom-up")
    func colorDimension() throws {
        let dir = try TempDir()
        let (path, run) = try recorded(dir, batches: 30)
        let reader = try StatsReader(path: path)
        let matrix = try ColorDimension.read(from: reader, run: run, layer: "0.0")
        let stored = try reader.histograms(run: run, layer: "0.0")
        #expect(matrix.batches == stored.map(\.batch) && matrix.binCount == 40)
        #expect(matrix.columns == stored.map { $0.counts.map { log1p(Double($0)) } })
        #expect(matrix.maximum == log1p(29 * 19))
        let svg = try ParsedSVG(LayerPlot.svg(reader: reader, run: run, layer: "0.0", stat: .colorDimension))
        #expect(svg.columnBatches == Array(0..<30))
        #expect(!svg.hasExternalReferences)
        // Batch 0 is all zeros: its column has no cell. Batch 29's cells are bins 2, 4, …, 38 in
        // order, drawn bottom-up, and bin 38 is the image's maximum: viridis' top, yellow.
        let columns = svg.all("g", class: "column")
        #expect(svg.children(of: columns[0]).isEmpty)
        let last = svg.children(of: columns[29])
        #expect(last.count == 19)
        let ys = last.compactMap { $0.attributes["y"].flatMap(Double.init) }
        #expect(ys.count == 19 && zip(ys, ys.dropFirst()).allSatisfy { $0 > $1 }, "\(ys)")
        #expect(last.last?.attributes["fill"] == "#fde725")
        #expect(svg.all("rect").filter { $0.attributes["fill"] == "#fde725" }.count == 1)
        let sampled = try ParsedSVG(LayerPlot.svg(reader: reader, run: run, layer: "0.0", stat: .colorDimension, limit: 4))
        #expect(sampled.columnBatches == [0, 10, 20, 29])
    }

    @Test("layer paths and titles are escaped: the SVG stays valid XML", arguments: [
        #"a<b>&"c'"#, "]]><script>alert(1)</script>", "tab\tand\u{1}control",
    ])
    func escaping(layer: String) throws {
        let dir = try TempDir()
        let (path, run) = try recorded(dir, layer: layer, batches: 3)
        let reader = try StatsReader(path: path)
        for stat in [PlotStat.statistic(.mean), .colorDimension] {
            let svg = try ParsedSVG(LayerPlot.svg(reader: reader, run: run, layer: layer, stat: stat))
            let shown = layer.replacingOccurrences(of: "\u{1}", with: "\u{FFFD}")
            #expect(svg.title?.contains("layer \(shown) (forward)") == true, "\(svg.title ?? "no title")")
            #expect(svg.all("script").isEmpty)
        }
    }

    @Test func unknownLayerAndRunAreStoreErrors() throws {
        let dir = try TempDir()
        let (path, run) = try recorded(dir, batches: 3)
        let reader = try StatsReader(path: path)
        #expect(throws: StatsStoreError.layerNotFound(run: run, layer: "9.9")) {
            try LayerPlot.svg(reader: reader, run: run, layer: "9.9", stat: .colorDimension)
        }
        #expect(throws: StatsStoreError.runNotFound(run + 1)) {
            try LayerPlot.svg(reader: reader, run: run + 1, layer: "0.0", stat: .statistic(.mean))
        }
    }
}
