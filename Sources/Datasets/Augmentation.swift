import Foundation

/// Seeded training-time augmentation (`data.augment`), applied in the loader's prefetch to
/// each image at the split's size, as these torchvision transforms in this order:
/// `RandomResizedCrop(size, scale, ratio=(3/4, 4/3), bilinear, antialias=False)`,
/// `RandomCrop(size, padding=padCrop)` (zero padding), `RandomHorizontalFlip()`.
///
/// The random choices come from a SplitMix64 seeded per image by `(seed, epoch, sample)`,
/// so a run's batches are the same however many workers build them, with or without a cache.
public struct Augmentation: Sendable, Equatable {
    /// Flip left–right with probability ½.
    public var flip: Bool
    /// Pad every side by this many zero pixels, then crop the image's size at random; 0 is off.
    public var padCrop: Int
    /// `RandomResizedCrop`'s area range (fractions of the image); nil is off.
    public var resizedCropScale: ClosedRange<Double>?

    /// No augmentation unless asked for.
    public init(flip: Bool = false, padCrop: Int = 0, resizedCropScale: ClosedRange<Double>? = nil) {
        self.flip = flip
        self.padCrop = padCrop
        self.resizedCropScale = resizedCropScale
    }

    /// Whether every image passes unchanged.
    public var isIdentity: Bool { !flip && padCrop == 0 && resizedCropScale == nil }

    /// A rectangle of an image, as torchvision's `(i, j, h, w)`.
    struct Box: Equatable {
        var top: Int
        var left: Int
        var height: Int
        var width: Int
    }

    /// The random choices for one image.
    struct Draw: Equatable {
        /// The resized crop's rectangle.
        var crop: Box?
        /// Where the pad-and-crop's window starts in the padded image.
        var padOffset: (top: Int, left: Int)?
        var flipped = false

        static func == (a: Draw, b: Draw) -> Bool {
            a.crop == b.crop && a.padOffset?.top == b.padOffset?.top && a.padOffset?.left == b.padOffset?.left
                && a.flipped == b.flipped
        }
    }

    /// The generator of image `sample`'s choices in epoch `epoch`.
    static func generator(seed: UInt64, epoch: Int, sample: Int) -> SplitMix64 {
        var run = SplitMix64(seed: seed ^ 0x0A06_D0A0_6D0A_06D0)
        var ofEpoch = SplitMix64(seed: run.next() &+ UInt64(truncatingIfNeeded: epoch))
        return SplitMix64(seed: ofEpoch.next() &+ UInt64(truncatingIfNeeded: sample))
    }

    /// Draws, in torchvision's order, what this augmentation does to one `height`×`width` image.
    func draw(height: Int, width: Int, using rng: inout SplitMix64) -> Draw {
        var draw = Draw()
        if let scale = resizedCropScale { draw.crop = Self.resizedCropBox(height: height, width: width, scale: scale, using: &rng) }
        // RandomCrop.get_params: torch.randint(0, h + 2p - h + 1) for the row, then the column.
        if padCrop > 0 { draw.padOffset = (rng.next(below: 2 * padCrop + 1), rng.next(below: 2 * padCrop + 1)) }
        // RandomHorizontalFlip: torch.rand(1) < 0.5.
        if flip { draw.flipped = rng.uniform() < 0.5 }
        return draw
    }

    /// torchvision's `RandomResizedCrop.get_params` (0.14) with ratio (3/4, 4/3): ten tries of
    /// a random area and log-uniform aspect ratio, else the largest centred crop within the ratios.
    static func resizedCropBox(height: Int, width: Int, scale: ClosedRange<Double>, using rng: inout SplitMix64) -> Box {
        let area = Double(height * width)
        // torch.log(torch.tensor(ratio)) is float32.
        let logRatio = (Double(Foundation.log(Float(3.0 / 4.0))), Double(Foundation.log(Float(4.0 / 3.0))))
        for _ in 0..<10 {
            let targetArea = area * rng.uniform(scale.lowerBound, scale.upperBound)
            let aspectRatio = exp(rng.uniform(logRatio.0, logRatio.1))
            let w = Int((targetArea * aspectRatio).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspectRatio).squareRoot().rounded(.toNearestOrEven))
            if 0 < w && w <= width && 0 < h && h <= height {
                let top = rng.next(below: height - h + 1)
                let left = rng.next(below: width - w + 1)
                return Box(top: top, left: left, height: h, width: w)
            }
        }
        let inRatio = Double(width) / Double(height)
        var (h, w) = (height, width)
        if inRatio < 3.0 / 4.0 {
            h = Int((Double(w) / (3.0 / 4.0)).rounded(.toNearestOrEven))
        } else if inRatio > 4.0 / 3.0 {
            w = Int((Double(h) * (4.0 / 3.0)).rounded(.toNearestOrEven))
        }
        return Box(top: (height - h) / 2, left: (width - w) / 2, height: h, width: w)
    }

    /// Applies `draw` to `image` (C×H×W bytes) in place; `scratch` is working memory.
    func apply(_ draw: Draw, to image: UnsafeMutableBufferPointer<UInt8>, channels: Int, height: Int, width: Int,
               scratch: inout [UInt8]) {
        let plane = height * width
        ImageBuffers.reserve(&scratch, channels * plane)
        scratch.withUnsafeMutableBufferPointer { copy in
            if let box = draw.crop {
                // Cut the box out, then resize it back to the full size (bilinear, like F.resized_crop).
                let boxSize = channels * box.height * box.width
                var out = 0
                for c in 0..<channels {
                    for y in box.top..<(box.top + box.height) {
                        let row = c * plane + y * width + box.left
                        for x in 0..<box.width { copy[out + x] = image[row + x] }
                        out += box.width
                    }
                }
                BilinearResize.resize(
                    UnsafeBufferPointer(rebasing: copy[..<boxSize]), channels: channels, from: (box.height, box.width),
                    to: (height, width), into: image)
            }
            if let offset = draw.padOffset {
                // Window row y reads source row y + top - padding; outside the image is the zero padding.
                _ = copy.initialize(from: image)
                for c in 0..<channels {
                    for y in 0..<height {
                        let sy = y + offset.top - padCrop
                        for x in 0..<width {
                            let sx = x + offset.left - padCrop
                            let inside = sy >= 0 && sy < height && sx >= 0 && sx < width
                            image[c * plane + y * width + x] = inside ? copy[c * plane + sy * width + sx] : 0
                        }
                    }
                }
            }
        }
        if draw.flipped {
            for row in stride(from: 0, to: channels * plane, by: width) {
                var (a, b) = (row, row + width - 1)
                while a < b {
                    image.swapAt(a, b)
                    a += 1
                    b -= 1
                }
            }
        }
    }
}
