/// Per-channel mean and standard deviation in [0, 1] units, applied as `(x/255 - mean) / std`.
public struct Normalization: Sendable, Equatable {
    /// Mean per channel.
    public let mean: [Float]
    /// Standard deviation per channel (never 0: see `init`).
    public let std: [Float]

    /// Uses the given statistics; a zero or negative std becomes 1 so that a constant
    /// channel (synthetic or blank data) centres to 0 instead of dividing by zero.
    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count, "mean and std need one value per channel")
        self.mean = mean
        self.std = std.map { $0 > 0 ? $0 : 1 }
    }

    /// Leaves pixels at `x/255` (mean 0, std 1 per channel).
    public static func identity(channels: Int) -> Normalization {
        Normalization(mean: Array(repeating: 0, count: channels), std: Array(repeating: 1, count: channels))
    }

    /// Mean and population std per channel over every pixel of `images`.
    ///
    /// Sums and sums of squares are exact UInt64 integers (no overflow below 2.8×10¹⁴
    /// pixels per channel), so the result does not depend on summation order and matches
    /// NumPy's `x.mean()`, `x.std()` on `x / 255` up to Float rounding.
    public init(computedOver images: LabeledImages) {
        let c = images.channels
        let plane = images.height * images.width
        var sums = [UInt64](repeating: 0, count: c)
        var squares = [UInt64](repeating: 0, count: c)
        images.pixels.withUnsafeBufferPointer { px in
            for image in 0..<images.count {
                for channel in 0..<c {
                    let base = (image * c + channel) * plane
                    var s: UInt64 = 0
                    var q: UInt64 = 0
                    for i in base..<(base + plane) {
                        let v = UInt64(px[i])
                        s &+= v
                        q &+= v &* v
                    }
                    sums[channel] &+= s
                    squares[channel] &+= q
                }
            }
        }
        let n = Double(max(1, images.count * plane))
        var mean = [Float]()
        var std = [Float]()
        for channel in 0..<c {
            let m = Double(sums[channel]) / n / 255
            let variance = max(0, Double(squares[channel]) / n / (255 * 255) - m * m)
            mean.append(Float(m))
            std.append(Float(variance.squareRoot()))
        }
        self.init(mean: mean, std: std)
    }

    /// Number of channels described.
    public var channels: Int { mean.count }

    /// Per channel `(scale, bias)` with `x * scale + bias == (x/255 - mean) / std`: one
    /// multiply-add per pixel, which the compiler vectorises, instead of two divisions.
    func scaleAndBias() -> (scale: [Float], bias: [Float]) {
        let scale = std.map { 1 / (255 * $0) }
        let bias = zip(mean, std).map { -$0 / $1 }
        return (scale, bias)
    }
}
