/// The layout every hookd plot shares: an 800 × 500 canvas, a title and subtitle above a plot
/// area, ticks and labels on its left and bottom edges.
///
/// Positions inside the plot area are fractions (0 at the left or bottom, 1 at the right or
/// top), so a chart only says where its data fall, not how many pixels that is.
struct ChartFrame {
    /// A tick: where it sits along its axis (0...1) and what it says.
    struct Tick {
        var position: Double
        var label: String
    }

    static let width = 800, height = 500
    let title: String
    let subtitle: String
    let xLabel: String
    let yLabel: String
    /// Room right of the plot area (a colour bar needs more than a line chart).
    var rightMargin = 24.0
    private let left = 78.0, top = 58.0, bottom = 52.0

    var plotWidth: Double { Double(Self.width) - left - rightMargin }
    var plotHeight: Double { Double(Self.height) - top - bottom }
    var plotRight: Double { left + plotWidth }
    var plotTop: Double { top }

    /// Canvas x of fraction `f` of the plot area's width.
    func x(_ f: Double) -> Double { left + f * plotWidth }
    /// Canvas y of fraction `f` of the plot area's height, from the bottom.
    func y(_ f: Double) -> Double { top + (1 - f) * plotHeight }

    /// A new document with the title, subtitle and an empty plot area.
    func start() -> SVGWriter {
        var svg = SVGWriter(width: Self.width, height: Self.height, title: title)
        svg.element("text", ["x": SVGWriter.number(left), "y": "24", "font-size": "16", "font-weight": "bold", "class": "title"], text: title)
        svg.element("text", ["x": SVGWriter.number(left), "y": "42", "fill": "#555555", "class": "subtitle"], text: subtitle)
        return svg
    }

    /// Grid lines, the frame, tick labels and axis labels (drawn after the data, so on top).
    func drawAxes(_ svg: inout SVGWriter, xTicks: [Tick], yTicks: [Tick], grid: Bool) {
        let n = SVGWriter.number
        svg.group("g", ["class": "axes", "stroke": "#333333", "fill": "none", "shape-rendering": "crispEdges"]) { g in
            g.element("rect", ["x": n(left), "y": n(top), "width": n(plotWidth), "height": n(plotHeight)])
            for tick in xTicks {
                let tx = n(x(tick.position))
                g.element("line", ["x1": tx, "x2": tx, "y1": n(y(0)), "y2": n(y(0) + 5)])
            }
            for tick in yTicks {
                let ty = n(y(tick.position))
                g.element("line", ["x1": n(left - 5), "x2": n(left), "y1": ty, "y2": ty])
                if grid { g.element("line", ["x1": n(left), "x2": n(plotRight), "y1": ty, "y2": ty, "stroke": "#dddddd"]) }
            }
        }
        svg.group("g", ["class": "tick-labels", "fill": "#333333"]) { g in
            for tick in xTicks {
                g.element("text", ["x": n(x(tick.position)), "y": n(y(0) + 18), "text-anchor": "middle"], text: tick.label)
            }
            for tick in yTicks {
                g.element("text", ["x": n(left - 8), "y": n(y(tick.position) + 4), "text-anchor": "end"], text: tick.label)
            }
        }
        svg.element("text", ["x": n(x(0.5)), "y": n(Double(Self.height) - 10), "text-anchor": "middle", "class": "x-label"], text: xLabel)
        let middle = n(y(0.5))
        svg.element("text", ["x": "16", "y": middle, "text-anchor": "middle", "transform": "rotate(-90 16 \(middle))", "class": "y-label"],
                    text: yLabel)
    }

    /// A note in the middle of the plot area, for a series with nothing to draw.
    func drawNote(_ svg: inout SVGWriter, _ note: String) {
        svg.element("text", ["x": SVGWriter.number(x(0.5)), "y": SVGWriter.number(y(0.5)), "text-anchor": "middle",
                             "fill": "#555555", "class": "note"], text: note)
    }
}
