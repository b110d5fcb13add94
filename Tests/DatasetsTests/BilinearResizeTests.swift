import Foundation
import Testing

@testable import Datasets

@Suite("Bilinear resize")
struct BilinearResizeTests {
    /// Every resize of every fixture: (case, index into its `resized`).
    static let cases: [(String, Int)] = [
        ("gray_9x13", 0), ("gray_9x13", 1), ("rgb_9x13", 0), ("rgb_9x13", 1), ("rgb_9x13", 2),
        ("rgb_progressive_7x10", 0), ("rgb_444_6x5", 0),
    ]

    @Test("values equal torch's F.interpolate(bilinear, align_corners=False) to 1e-5", arguments: cases)
    func matchesTorch(name: String, index: Int) throws {
        let fixture = try ImageFixture.load(name)
        let want = fixture.resized[index]
        let got = BilinearResize.values(
            fixture.pixels, channels: fixture.channels, from: (fixture.height, fixture.width),
            to: (want.height, want.width))
        try #require(got.count == want.values.count)
        let worst = zip(got, want.values).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst <= 1e-5, "\(name) → \(want.height)×\(want.width): worst relative difference \(worst)")
    }

    /// Bytes are torch's values rounded half to even. Where torch's value sits within a float
    /// rounding of a .5 tie, the last bit decides (and differs between torch's own builds), so
    /// there either rounding is right.
    @Test("bytes equal torch's values rounded half to even", arguments: cases)
    func bytesMatchTorch(name: String, index: Int) throws {
        let fixture = try ImageFixture.load(name)
        let want = fixture.resized[index]
        let count = fixture.channels * want.height * want.width
        var got = [UInt8](repeating: 0, count: count)
        fixture.pixels.withUnsafeBufferPointer { source in
            got.withUnsafeMutableBufferPointer { output in
                BilinearResize.resize(
                    source, channels: fixture.channels, from: (fixture.height, fixture.width),
                    to: (want.height, want.width), into: output)
            }
        }
        Self.expectBytes(got, equal: want, "\(name) → \(want.height)×\(want.width)")
    }

    /// `got` equals the fixture's bytes, but at near-ties (see above) may be one off.
    static func expectBytes(_ got: [UInt8], equal want: ImageFixture.Resize, _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let bad = got.indices.filter { i in
            got[i] != want.bytes[i]
                && !(abs(Int(got[i]) - Int(want.bytes[i])) == 1
                     && abs(want.values[i] - want.values[i].rounded(.down) - 0.5) < 1e-4)
        }
        #expect(bad.isEmpty, "\(label): bytes differ at \(bad.prefix(5).map { "[\($0)] \(got[$0]) vs \(want.bytes[$0])" })",
                sourceLocation: sourceLocation)
    }

    @Test("the same size is an exact copy; one axis at a time interpolates only that axis")
    func identityAndOneAxis() {
        let pixels = FixtureWriter.pattern(count: 2 * 3 * 4, seed: 1)
        #expect(BilinearResize.values(pixels, channels: 2, from: (3, 4), to: (3, 4)) == pixels.map(Float.init))
        // 1×2 → 1×4: output centres at 0.25, 0.75, 1.25, 1.75 of the source → clamped to the
        // edges, then 1/4 and 3/4 mixes: ATen's (and OpenCV's) half-pixel convention.
        #expect(BilinearResize.values([0, 100], channels: 1, from: (1, 2), to: (1, 4)) == [0, 25, 75, 100])
        // Halving averages neighbouring pairs.
        #expect(BilinearResize.values([10, 30, 50, 70], channels: 1, from: (1, 4), to: (1, 2)) == [20, 60])
    }
}
