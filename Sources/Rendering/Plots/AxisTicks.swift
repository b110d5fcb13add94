import Foundation

/// "Nice" tick values for an axis (1, 2 or 5 times a power of ten), covering a value range.
///
/// Heckbert's labelling: the span and the step are rounded to nice numbers, and the axis
/// extends to the ticks around the data, so the data never touch the frame unlabelled.
struct AxisTicks: Equatable {
    /// Tick values, ascending, evenly spaced by `step`; the first and last bound the axis.
    let values: [Double]
    let step: Double

    /// About `count` ticks over `low...high`; a zero-width or non-finite range gets a unit one around it.
    init(low: Double, high: Double, count: Int = 6) {
        var (low, high) = low.isFinite && high.isFinite ? (Swift.min(low, high), Swift.max(low, high)) : (0, 1)
        if low == high {
            let pad = low == 0 ? 1 : Swift.abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        var step = Self.nice((high - low) / Double(Swift.max(1, count - 1)))
        if !step.isFinite || step <= 0 { (low, high, step) = (0, 1, 0.2) }  // a span beyond Double
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        self.step = step
        values = stride(from: first, through: last, by: 1).map { $0 * step }
    }

    var low: Double { values.first ?? 0 }
    var high: Double { values.last ?? 1 }

    /// A tick's label with just the decimals the step needs (`0.2`, `1e-05`).
    func label(_ value: Double) -> String {
        let magnitude = Swift.max(Swift.abs(low), Swift.abs(high))
        if magnitude >= 1e6 || step < 1e-4 { return String(format: "%.3g", value) }
        let decimals = Swift.max(0, Int(-log10(step).rounded(.down)))
        // A tick computed as -0.0 or 1e-17 is zero.
        return String(format: "%.\(decimals)f", Swift.abs(value) < step / 2 ? 0 : value)
    }

    /// The nice number nearest `x`: 1, 2, 5 or 10 times a power of ten.
    private static func nice(_ x: Double) -> Double {
        let exponent = log10(x).rounded(.down)
        let fraction = x / pow(10, exponent)
        return (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * pow(10, exponent)
    }
}
