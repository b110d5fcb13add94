/// A line chart of one series over batches, as SVG: fastai's `plt.plot(stats[1][-2])`.
///
/// The line is one `<path class="series">` with one `M`/`L` command per finite value; a NaN (a
/// batch the statistic was not recorded for) breaks it, so gaps show as gaps.
struct LineChart {
    var frame: ChartFrame
    var x: [Double]
    var y: [Double]

    func svg() -> String {
        var svg = frame.start()
        let finite = zip(x, y).filter { $0.1.isFinite }
        guard let first = finite.first, let last = finite.last else {
            frame.drawAxes(&svg, xTicks: [], yTicks: [], grid: false)
            frame.drawNote(&svg, "no recorded values")
            return svg.finished()
        }
        let xTicks = AxisTicks(low: first.0, high: last.0)
        let ys = finite.map(\.1)
        let yTicks = AxisTicks(low: ys.min() ?? 0, high: ys.max() ?? 1)
        func fraction(_ v: Double, _ t: AxisTicks) -> Double { (v - t.low) / (t.high - t.low) }
        let ticks = { (t: AxisTicks) in t.values.map { ChartFrame.Tick(position: fraction($0, t), label: t.label($0)) } }
        frame.drawAxes(&svg, xTicks: ticks(xTicks), yTicks: ticks(yTicks), grid: true)
        var d = ""
        var drawing = false
        for (bx, by) in zip(x, y) {
            guard by.isFinite else {
                drawing = false
                continue
            }
            d += (drawing ? "L" : "M") + SVGWriter.number(frame.x(fraction(bx, xTicks))) + " "
                + SVGWriter.number(frame.y(fraction(by, yTicks))) + " "
            drawing = true
        }
        svg.element("path", ["class": "series", "d": String(d.dropLast()), "fill": "none", "stroke": "#1f77b4",
                             "stroke-width": "1.5", "stroke-linejoin": "round", "stroke-linecap": "round"])
        return svg.finished()
    }
}
