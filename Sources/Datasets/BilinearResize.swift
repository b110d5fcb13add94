/// Bilinear resizing of channel-first images to a given size, ignoring the aspect ratio (fastai's
/// `Resize(method='squish')`), computed as PyTorch computes
/// `F.interpolate(x.float(), size, mode="bilinear", align_corners=False, antialias=False)`.
///
/// Why not call libtorch: the image loader decodes on every core at once, and libtorch's own
/// OpenMP threads inside each of those calls would oversubscribe the machine; it also keeps
/// `Datasets` free of libtorch. The arithmetic follows ATen's CPU kernel (`UpSample.h`,
/// `cpu/UpSampleKernel.cpp`) step by step, so the values equal torch's up to float rounding:
/// torch's own AVX2 and plain builds differ in the last bit (fused multiply-adds), so do we.
enum BilinearResize {
    /// The two source pixels an output row or column reads, and their weights.
    struct Tap: Equatable {
        var index0: Int
        var index1: Int
        var weight0: Float
        var weight1: Float
    }

    /// ATen's `compute_indices_weights` for one axis (`align_corners=False`, no scale factor).
    static func taps(from input: Int, to output: Int) -> [Tap] {
        precondition(input > 0 && output > 0, "sizes must be positive")
        // ATen keeps the scale in float but computes the source coordinate in double (its
        // `dst_index + 0.5` is a double), then stores the weight as float.
        let scale = Float(input) / Float(output)
        return (0..<output).map { i in
            guard input != output else { return Tap(index0: i, index1: i, weight0: 1, weight1: 0) }
            let source = max(Double(scale) * (Double(i) + 0.5) - 0.5, 0)
            let index0 = min(Int(source.rounded(.down)), input - 1)
            let weight1 = Float(min(max(source - Double(index0), 0), 1))
            return Tap(index0: index0, index1: index0 + (index0 < input - 1 ? 1 : 0),
                       weight0: 1 - weight1, weight1: weight1)
        }
    }

    /// Calls `store(index, value)` for every output value, in C×H×W order.
    static func resize(_ pixels: UnsafeBufferPointer<UInt8>, channels: Int, from: (height: Int, width: Int),
                       to: (height: Int, width: Int), store: (Int, Float) -> Void) {
        precondition(pixels.count == channels * from.height * from.width)
        let rows = taps(from: from.height, to: to.height)
        let columns = taps(from: from.width, to: to.width)
        var out = 0
        for c in 0..<channels {
            let plane = c * from.height * from.width
            for row in rows {
                let top = plane + row.index0 * from.width
                let bottom = plane + row.index1 * from.width
                for column in columns {
                    // Width first, then height, each as `a * w0 + b * w1`: ATen's order.
                    let upper = Float(pixels[top + column.index0]) * column.weight0
                        + Float(pixels[top + column.index1]) * column.weight1
                    let lower = Float(pixels[bottom + column.index0]) * column.weight0
                        + Float(pixels[bottom + column.index1]) * column.weight1
                    store(out, upper * row.weight0 + lower * row.weight1)
                    out += 1
                }
            }
        }
    }

    /// The resized image as floats (0...255), C×H×W.
    static func values(_ pixels: [UInt8], channels: Int, from: (height: Int, width: Int),
                       to: (height: Int, width: Int)) -> [Float] {
        var values = [Float](repeating: 0, count: channels * to.height * to.width)
        pixels.withUnsafeBufferPointer { source in
            resize(source, channels: channels, from: from, to: to) { values[$0] = $1 }
        }
        return values
    }

    /// The resized image rounded half to even into bytes, as torchvision's `resize` of a uint8
    /// image rounds; `output` holds exactly `channels * to.height * to.width` bytes.
    static func resize(_ pixels: UnsafeBufferPointer<UInt8>, channels: Int, from: (height: Int, width: Int),
                       to: (height: Int, width: Int), into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count == channels * to.height * to.width)
        resize(pixels, channels: channels, from: from, to: to) { index, value in
            // Weights sum to 1 within a float ulp, so values stay in 0...255 but for that ulp.
            output[index] = UInt8(min(max(value.rounded(.toNearestOrEven), 0), 255))
        }
    }
}
