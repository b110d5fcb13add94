import Foundation

/// matplotlib's viridis colormap (fastai's `color_dim` default): 256 colours, as matplotlib's
/// colormaps have, interpolated linearly between viridis' colours at 0, 0.1, …, 1.
enum Viridis {
    private static let stops: [(r: Double, g: Double, b: Double)] = [
        (0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5f, 0x8d), (0x2a, 0x78, 0x8e),
        (0x21, 0x91, 0x8c), (0x22, 0xa8, 0x84), (0x44, 0xbf, 0x70), (0x7a, 0xd1, 0x51), (0xbd, 0xdf, 0x26),
        (0xfd, 0xe7, 0x25),
    ]

    /// `#rrggbb` of `t` in 0...1 (clamped; NaN is 0): dark purple at 0, yellow at 1. As
    /// matplotlib, `t` picks entry floor(256·t) of the table, the last for 1.
    static func hex(_ t: Double) -> String {
        let t = t.isNaN ? 0 : Swift.min(1, Swift.max(0, t))
        return table[Swift.min(255, Int(t * 256))]
    }

    /// The 256 colours, formatted once: a colorful dimension has thousands of cells.
    private static let table: [String] = (0..<256).map { interpolated(Double($0) / 255) }

    private static func interpolated(_ t: Double) -> String {
        let position = t * Double(stops.count - 1)
        let i = Swift.min(stops.count - 2, Int(position))
        let f = position - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        func channel(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return String(format: "#%02x%02x%02x", channel(a.r, b.r), channel(a.g, b.g), channel(a.b, b.b))
    }
}
