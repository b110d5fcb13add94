/// Random but learnable labelled images for tests and smoke runs (`data.format: "synthetic"`).
///
/// Each class has a random prototype image; a sample is the average of its class's prototype
/// and uniform noise, so a model can learn the classes and a smoke run shows the loss fall.
/// Everything follows from the seed (SplitMix64), on every platform.
public enum SyntheticData {
    /// `count` images of `channels × height × width` with labels in `0..<classes`.
    /// - Throws: `DatasetError.invalidArgument` when a size or `classes` is below 1 or `count` is negative.
    public static func make(count: Int, channels: Int, height: Int, width: Int, classes: Int, seed: UInt64) throws
        -> LabeledImages
    {
        guard count >= 0, channels > 0, height > 0, width > 0, classes > 0 else {
            throw DatasetError.invalidArgument(
                "synthetic data needs count >= 0 and positive sizes and classes, got count \(count), shape \(channels)×\(height)×\(width), \(classes) classes")
        }
        let imageSize = channels * height * width
        return makeSamples(
            count: count, imageSize: imageSize, prototypes: prototypes(classes: classes, imageSize: imageSize, seed: seed),
            classes: classes, seed: seed, shape: (channels, height, width))
    }

    /// A train and a valid split drawn around the same class prototypes (seeds `seed` and `seed + 1` for the noise).
    /// - Throws: as `make`.
    public static func splits(trainCount: Int, validCount: Int, channels: Int, height: Int, width: Int, classes: Int,
                              seed: UInt64) throws -> DatasetSplits
    {
        let train = try make(count: trainCount, channels: channels, height: height, width: width, classes: classes, seed: seed)
        let protos = prototypes(classes: classes, imageSize: train.imageSize, seed: seed)
        let valid = makeSamples(
            count: validCount, imageSize: train.imageSize, prototypes: protos, classes: classes,
            seed: seed &+ 1, shape: (channels, height, width))
        return try DatasetSplits(train: train, valid: valid)
    }

    private static func prototypes(classes: Int, imageSize: Int, seed: UInt64) -> [UInt8] {
        // A stream of its own keeps prototypes independent of the labels and noise drawn from `seed`.
        var rng = SplitMix64(seed: seed ^ 0x5EED_5EED_5EED_5EED)
        return randomBytes(classes * imageSize, &rng)
    }

    private static func makeSamples(count: Int, imageSize: Int, prototypes: [UInt8], classes: Int, seed: UInt64,
                                    shape: (Int, Int, Int)) -> LabeledImages
    {
        var rng = SplitMix64(seed: seed)
        let labels = (0..<count).map { _ in Int64(rng.next(below: classes)) }
        let noise = randomBytes(count * imageSize, &rng)
        let pixels = [UInt8](unsafeUninitializedCapacity: count * imageSize) { out, initialized in
            for (n, label) in labels.enumerated() {
                let proto = Int(label) * imageSize
                for i in 0..<imageSize {
                    out[n * imageSize + i] = UInt8((UInt16(prototypes[proto + i]) + UInt16(noise[n * imageSize + i])) / 2)
                }
            }
            initialized = count * imageSize
        }
        return LabeledImages(
            unchecked: shape.0, shape.1, shape.2, pixels, labels, (0..<classes).map { "class\($0)" })
    }

    /// Eight bytes per generator step.
    private static func randomBytes(_ count: Int, _ rng: inout SplitMix64) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            var i = 0
            while i < count {
                var word = rng.next()
                for _ in 0..<min(8, count - i) {
                    out[i] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    i += 1
                }
            }
            initialized = count
        }
    }
}
