import Foundation

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

    /// Mean and population std per channel over every pixel of `images`, read by `workers`
    /// threads at once (an image folder is decoded once for it, a batch at a time per thread).
    ///
    /// Sums and sums of squares are exact UInt64 integers (no overflow below 2.8×10¹⁴
    /// pixels per channel), so the result does not depend on summation order and matches
    /// NumPy's `x.mean()`, `x.std()` on `x / 255` up to Float rounding.
    /// - Throws: the first image's error (by index) that could not be read.
    public init(computedOver images: any ImageSource, workers: Int = 1) throws {
        let c = images.channels
        let plane = images.height * images.width
        let failure = FirstError()
        let totals = ChannelSums(channels: c)
        let workers = max(1, min(workers, images.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var buffers = ImageBuffers()
            var image = [UInt8](repeating: 0, count: images.imageSize)
            var sums = [UInt64](repeating: 0, count: c)
            var squares = [UInt64](repeating: 0, count: c)
            for index in stride(from: worker, to: images.count, by: workers) {
                if failure.isSet(before: index) { break }
                do {
                    try image.withUnsafeMutableBufferPointer { try images.copyImage(index, into: $0, buffers: &buffers) }
                } catch {
                    failure.record(error, at: index)
                    break
                }
                image.withUnsafeBufferPointer { px in
                    for channel in 0..<c {
                        var s: UInt64 = 0
                        var q: UInt64 = 0
                        for i in (channel * plane)..<((channel + 1) * plane) {
                            let v = UInt64(px[i])
                            s &+= v
                            q &+= v &* v
                        }
                        sums[channel] &+= s
                        squares[channel] &+= q
                    }
                }
            }
            totals.add(sums, squares)
        }
        if let error = failure.error { throw error }
        let (sums, squares) = totals.values
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

    /// ImageNet's statistics (torchvision's pretrained models), for RGB.
    public static let imagenet = Normalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

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
