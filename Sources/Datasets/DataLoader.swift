/// Cuts a split into normalised batches, shuffled per epoch, prepared ahead on a background queue.
///
/// ```swift
/// let loader = try DataLoader(splits.train, options: .init(batchSize: 64, seed: 42))
/// for batch in loader.epoch(0) { train(batch) }
/// ```
/// Shuffling is deterministic: epoch `e` uses the order `SplitMix64(seed: seed ^ UInt64(e))
/// .permutation(count)`, so a seed and an epoch number always give the same batches.
public struct DataLoader: Sendable {
    /// How batches are cut and prepared.
    public struct Options: Sendable, Equatable {
        /// Images per batch.
        public var batchSize: Int
        /// Whether each epoch visits the images in a new random order.
        public var shuffle: Bool
        /// Seed of the shuffles (mixed with the epoch number).
        public var seed: UInt64
        /// Whether to skip the last batch when it would be smaller than `batchSize`.
        public var dropLast: Bool
        /// Batches prepared ahead of the consumer; 0 prepares each batch inside `next()`.
        public var prefetch: Int
        /// The part of each epoch this loader reads (a data-parallel rank's); the whole by default.
        public var shard: DataShard

        /// Options with PyTorch's `DataLoader` defaults, except shuffle on and 2 batches ahead.
        public init(batchSize: Int = 64, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false, prefetch: Int = 2,
                    shard: DataShard = .whole) {
            self.batchSize = batchSize
            self.shuffle = shuffle
            self.seed = seed
            self.dropLast = dropLast
            self.prefetch = prefetch
            self.shard = shard
        }
    }

    /// The split batches are cut from.
    public let data: LabeledImages
    /// The normalisation applied to every pixel.
    public let normalization: Normalization
    /// The options this loader was made with.
    public let options: Options
    private let scale: [Float]
    private let bias: [Float]

    /// Prepares a loader over `data`.
    /// - Parameters:
    ///   - normalization: per-channel statistics; nil computes them over `data` (pass the
    ///     training split's to a validation loader).
    /// - Throws: `DatasetError.invalidArgument` for a batch size below 1, a negative
    ///   prefetch, or a normalisation with another channel count than `data`.
    public init(_ data: LabeledImages, normalization: Normalization? = nil, options: Options = Options()) throws {
        guard options.batchSize > 0 else {
            throw DatasetError.invalidArgument("batch size must be at least 1, got \(options.batchSize)")
        }
        guard options.prefetch >= 0 else {
            throw DatasetError.invalidArgument("prefetch must be 0 or more, got \(options.prefetch)")
        }
        let normalization = normalization ?? Normalization(computedOver: data)
        guard normalization.channels == data.channels else {
            throw DatasetError.invalidArgument(
                "normalisation has \(normalization.channels) channels but the images have \(data.channels)")
        }
        self.data = data
        self.normalization = normalization
        self.options = options
        (scale, bias) = normalization.scaleAndBias()
    }

    /// Batches per epoch.
    public var batchCount: Int {
        let n = options.shard.sampleCount(of: data.count), size = options.batchSize
        return options.dropLast ? n / size : (n + size - 1) / size
    }

    /// The order in which epoch `epoch` visits the images (identity without shuffle), cut to
    /// this loader's shard.
    public func order(epoch: Int) -> [Int] {
        guard options.shuffle else { return options.shard.select(Array(0..<data.count)) }
        var rng = SplitMix64(seed: options.seed ^ UInt64(truncatingIfNeeded: epoch))
        return options.shard.select(rng.permutation(data.count))
    }

    /// The batches of one epoch, produced in the background `options.prefetch` ahead.
    ///
    /// - Parameter first: the batch to start from; a resumed run skips the batches it already
    ///   trained without decoding them, and gets exactly the rest, since the order is seeded.
    public func epoch(_ epoch: Int, startingAt first: Int = 0) -> Epoch {
        Epoch(loader: self, epoch: epoch, startingAt: first)
    }

    /// Builds batch `index` of an epoch whose order is `order`, on the calling thread.
    public func makeBatch(_ index: Int, epoch: Int, order: [Int]) -> Batch {
        let start = index * options.batchSize
        let samples = Array(order[start..<min(order.count, start + options.batchSize)])
        let imageSize = data.imageSize
        let plane = data.height * data.width
        let channels = data.channels
        let inputs = [Float](unsafeUninitializedCapacity: samples.count * imageSize) { out, initialized in
            data.pixels.withUnsafeBufferPointer { pixels in
                for (slot, sample) in samples.enumerated() {
                    for c in 0..<channels {
                        let source = pixels.baseAddress! + sample * imageSize + c * plane
                        let target = out.baseAddress! + slot * imageSize + c * plane
                        let (a, b) = (scale[c], bias[c])
                        // A plain counted loop over raw pointers: the optimiser vectorises it.
                        for i in 0..<plane { target[i] = Float(source[i]) * a + b }
                    }
                }
            }
            initialized = samples.count * imageSize
        }
        return Batch(
            index: index, epoch: epoch, shape: [samples.count] + data.shape,
            inputs: inputs, labels: samples.map { data.labels[$0] }, sampleIndices: samples)
    }
}
