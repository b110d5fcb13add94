import Foundation

/// A `ColorDimension` as an SVG image: one column per batch, bins bottom-up, viridis fill
/// scaled from 0 to the matrix's `maximum`, with a colour bar.
///
/// Each column is a `<g class="column" data-batch="…">`; the plot area is filled with the colour
/// of 0 first, so only non-empty cells need a `<rect>` (most of a ReLU layer's bins are empty).
struct ColorDimensionChart {
    var frame: ChartFrame
    var matrix: ColorDimension

    func svg() -> String {
        var frame = frame
        frame.rightMargin = 96
        var svg = frame.start()
        let n = SVGWriter.number
        let columns = matrix.columns.count, bins = matrix.binCount
        guard columns > 0, bins > 0 else {
            frame.drawAxes(&svg, xTicks: [], yTicks: [], grid: false)
            frame.drawNote(&svg, "no histograms recorded: hook the layer with \"stats\": [\"histogram\"]")
            return svg.finished()
        }
        let maximum = matrix.maximum
        let cellWidth = frame.plotWidth / Double(columns), cellHeight = frame.plotHeight / Double(bins)
        svg.element("rect", ["x": n(frame.x(0)), "y": n(frame.plotTop), "width": n(frame.plotWidth),
                             "height": n(frame.plotHeight), "fill": Viridis.hex(0)])
        svg.group("g", ["class": "image", "shape-rendering": "crispEdges"]) { image in
            for (i, column) in matrix.columns.enumerated() {
                image.group("g", ["class": "column", "data-batch": "\(matrix.batches[i])"]) { g in
                    for (bin, value) in column.enumerated() where value > 0 {
                        // Cells overlap their right neighbour by a pixel's fraction: no hairline gaps.
                        g.element("rect", ["x": n(frame.x(0) + Double(i) * cellWidth),
                                           "y": n(frame.plotTop + Double(bins - 1 - bin) * cellHeight),
                                           "width": n(cellWidth + 0.3), "height": n(cellHeight + 0.3),
                                           "fill": Viridis.hex(maximum > 0 ? value / maximum : 0)])
                    }
                }
            }
        }
        let valueTicks = AxisTicks(low: matrix.lo, high: matrix.hi)
        let range = matrix.hi > matrix.lo ? matrix.hi - matrix.lo : 1  // a row's bins are validated; a hand-written one may not be
        let yTicks = valueTicks.values.filter { $0 >= matrix.lo && $0 <= matrix.lo + range }.map {
            ChartFrame.Tick(position: ($0 - matrix.lo) / range, label: valueTicks.label($0))
        }
        // About six batch labels, at column centres (columns are evenly spaced by index, as fastai's image).
        let labelled = Array(Set((0..<Swift.min(6, columns)).map { k in
            columns == 1 ? 0 : Int((Double(k) * Double(columns - 1) / Double(Swift.min(6, columns) - 1)).rounded())
        })).sorted()
        let xTicks = labelled.map { ChartFrame.Tick(position: (Double($0) + 0.5) / Double(columns), label: "\(matrix.batches[$0])") }
        frame.drawAxes(&svg, xTicks: xTicks, yTicks: yTicks, grid: false)
        drawColourBar(&svg, frame: frame, maximum: maximum)
        return svg.finished()
    }

    /// The scale: viridis from 0 at the bottom to `maximum` at the top, right of the image.
    private func drawColourBar(_ svg: inout SVGWriter, frame: ChartFrame, maximum: Double) {
        let n = SVGWriter.number
        let x = frame.plotRight + 16
        svg.group("defs") { defs in
            defs.group("linearGradient", ["id": "viridis", "x1": "0", "y1": "1", "x2": "0", "y2": "0"]) { gradient in
                for k in 0...10 {
                    gradient.element("stop", ["offset": n(Double(k) / 10), "stop-color": Viridis.hex(Double(k) / 10)])
                }
            }
        }
        svg.element("rect", ["class": "colour-bar", "x": n(x), "y": n(frame.plotTop), "width": "14",
                             "height": n(frame.plotHeight), "fill": "url(#viridis)", "stroke": "#333333"])
        svg.element("text", ["x": n(x + 20), "y": n(frame.y(1) + 10)], text: String(format: "%.3g", maximum))
        svg.element("text", ["x": n(x + 20), "y": n(frame.y(0))], text: "0")
        let middle = n(frame.y(0.5))
        svg.element("text", ["x": n(x + 34), "y": middle, "text-anchor": "middle", "transform": "rotate(-90 \(n(x + 34)) \(middle))"],
                    text: "log1p(count)")
    }
}
