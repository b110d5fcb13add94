import Testing

@testable import Rendering

/// Axis ticks are 1, 2 or 5 times a power of ten, cover the data, and label with the decimals the step needs.
@Suite("Plot axis ticks")
struct AxisTicksTests {
    @Test func niceSteps() {
        let batches = AxisTicks(low: 0, high: 29)
        #expect(batches.values == [0, 5, 10, 15, 20, 25, 30] && batches.label(25) == "25")
        let std = AxisTicks(low: 1.185, high: 1.38)
        #expect(std.step == 0.05 && std.low <= 1.185 && std.high >= 1.38)
        #expect(std.values.map(std.label) == ["1.15", "1.20", "1.25", "1.30", "1.35", "1.40"])
        let big = AxisTicks(low: 0, high: 2_999_999)
        #expect(big.step == 500_000 && big.label(1_500_000) == "1.5e+06")
        #expect(AxisTicks(low: -0.3, high: 0.3).values.map { AxisTicks(low: -0.3, high: 0.3).label($0) } == ["-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"])
    }

    @Test("a constant or non-finite range still gets an axis around it")
    func degenerateRanges() {
        let constant = AxisTicks(low: 4, high: 4)
        #expect(constant.low < 4 && constant.high > 4 && constant.values.count >= 2)
        let zero = AxisTicks(low: 0, high: 0)
        #expect(zero.low == -1 && zero.high == 1)
        let nan = AxisTicks(low: .nan, high: 1)
        #expect(nan.low == 0 && nan.high == 1 && nan.values.count == 6)
        #expect(AxisTicks(low: -.greatestFiniteMagnitude, high: .greatestFiniteMagnitude).values.count == 6)
    }

    @Test func escapingLeavesNothingThatEndsAnAttributeOrOpensAnElement() {
        #expect(SVGWriter.escape(#"a<b>&"c'"#) == "a&lt;b&gt;&amp;&quot;c&apos;")
        #expect(SVGWriter.escape("x\u{0}y\u{1B}z\tw") == "x\u{FFFD}y\u{FFFD}z&#9;w")
        #expect(SVGWriter.escape("0.0 é \u{FFFF}") == "0.0 é \u{FFFD}")
    }

    @Test func coordinatesHaveAtMostTwoDecimals() {
        #expect([67.5, 12, -0.004, -1.05, 0.1 + 0.2, 448.999, 3.14159, .nan].map(SVGWriter.number)
            == ["67.5", "12", "0", "-1.05", "0.3", "449", "3.14", "0"])
    }

    @Test("viridis: matplotlib's ends, 256 steps")
    func viridis() {
        #expect(Viridis.hex(0) == "#440154" && Viridis.hex(1) == "#fde725" && Viridis.hex(.nan) == "#440154")
        #expect(Viridis.hex(0.5) == "#21918c" && Viridis.hex(2) == "#fde725")
        // 256 entries; a few neighbours round to the same 8-bit colour.
        #expect(Set((0...1000).map { Viridis.hex(Double($0) / 1000) }).count >= 250)
    }
}
