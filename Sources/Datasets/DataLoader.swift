import Foundation

/// Cuts a split into normalised (and optionally augmented) batches, shuffled per epoch,
/// prepared ahead on background threads.
///
/// ```swift
/// let loader = try DataLoader(splits.train, options: .init(batchSize: 64, seed: 42))
/// let epoch = loader.epoch(0)
/// while let batch = try epoch.next() { train(batch) }
/// ```
/// A batch's images are read (decoded, for `ImageFiles`) by `workers` threads at once while
/// the consumer trains on the batch before, so at most `prefetch + 1` batches are in memory.
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
        /// Threads that read a batch's images at once (`data.workers`).
        public var workers: Int
        /// Random changes to each image, seeded by `seed`, the epoch and the image.
        public var augmentation: Augmentation
        /// The part of each epoch this loader reads (a data-parallel rank's); the whole by default.
        public var shard: DataShard

        /// Options with PyTorch's `DataLoader` defaults, except shuffle on and 2 batches ahead.
        public init(batchSize: Int = 64, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false, prefetch: Int = 2,
                    workers: Int = 1, augmentation: Augmentation = Augmentation(), shard: DataShard = .whole) {
            self.batchSize = batchSize
            self.shuffle = shuffle
            self.seed = seed
            self.dropLast = dropLast
            self.prefetch = prefetch
            self.workers = workers
            self.augmentation = augmentation
            self.shard = shard
        }
    }

    /// The split batches are cut from.
    public let data: any ImageSource
    /// The normalisation applied to every pixel.
    public let normalization: Normalization
    /// The options this loader was made with.
    public let options: Options
    private let scale: [Float]
    private let bias: [Float]

    /// Prepares a loader over `data`.
    /// - Parameters:
    ///   - normalization: per-channel statistics; nil computes them over `data`, reading
    ///     every image once (pass the training split's to a validation loader).
    /// - Throws: `DatasetError.invalidArgument` for a batch size or worker count below 1, a
    ///   negative prefetch, or a normalisation with another channel count than `data`; the
    ///   first unreadable image's error while computing the normalisation.
    public init(_ data: any ImageSource, normalization: Normalization? = nil, options: Options = Options()) throws {
        guard options.batchSize > 0 else {
            throw DatasetError.invalidArgument("batch size must be at least 1, got \(options.batchSize)")
        }
        guard options.prefetch >= 0 else {
            throw DatasetError.invalidArgument("prefetch must be 0 or more, got \(options.prefetch)")
        }
        guard options.workers > 0 else {
            throw DatasetError.invalidArgument("workers must be at least 1, got \(options.workers)")
        }
        let normalization = try normalization ?? Normalization(computedOver: data, workers: options.workers)
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

    /// Builds batch `index` of an epoch whose order is `order`: `options.workers` threads
    /// read, augment and normalise its images at once.
    /// - Throws: the error of the first image (in batch order) that could not be read.
    public func makeBatch(_ index: Int, epoch: Int, order: [Int]) throws -> Batch {
        let start = index * options.batchSize
        let samples = Array(order[start..<min(order.count, start + options.batchSize)])
        let imageSize = data.imageSize
        let failure = FirstError()
        let inputs = [Float](unsafeUninitializedCapacity: samples.count * imageSize) { out, initialized in
            let slots = DisjointSlots(base: out.baseAddress!)
            let workers = max(1, min(options.workers, samples.count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var buffers = ImageBuffers()
                var image = [UInt8](repeating: 0, count: imageSize)
                for slot in stride(from: worker, to: samples.count, by: workers) {
                    if failure.isSet(before: slot) { return }
                    do {
                        try image.withUnsafeMutableBufferPointer { pixels in
                            try prepare(samples[slot], epoch: epoch, into: pixels, buffers: &buffers)
                            normalize(UnsafeBufferPointer(pixels), into: slots.slot(slot, size: imageSize))
                        }
                    } catch {
                        failure.record(error, at: slot)
                        return
                    }
                }
            }
            // Slots of images that failed stay unwritten, but the batch is then thrown away.
            initialized = samples.count * imageSize
        }
        if let error = failure.error { throw error }
        return Batch(
            index: index, epoch: epoch, shape: [samples.count] + data.shape,
            inputs: inputs, labels: samples.map { data.labels[$0] }, sampleIndices: samples)
    }

    /// Image `sample` as bytes, augmented as its epoch's draw says.
    private func prepare(_ sample: Int, epoch: Int, into pixels: UnsafeMutableBufferPointer<UInt8>,
                         buffers: inout ImageBuffers) throws {
        try data.copyImage(sample, into: pixels, buffers: &buffers)
        let augmentation = options.augmentation
        guard !augmentation.isIdentity else { return }
        var rng = Augmentation.generator(seed: options.seed, epoch: epoch, sample: sample)
        let draw = augmentation.draw(height: data.height, width: data.width, using: &rng)
        augmentation.apply(draw, to: pixels, channels: data.channels, height: data.height, width: data.width,
                           scratch: &buffers.augmented)
    }

    /// `(pixel/255 - mean[c]) / std[c]` of every byte of one image.
    private func normalize(_ pixels: UnsafeBufferPointer<UInt8>, into target: UnsafeMutableBufferPointer<Float>) {
        let plane = data.height * data.width
        for c in 0..<data.channels {
            let (from, to, a, b) = (pixels.baseAddress! + c * plane, target.baseAddress! + c * plane, scale[c], bias[c])
            // A plain counted loop over raw pointers: the optimiser vectorises it.
            for i in 0..<plane { to[i] = Float(from[i]) * a + b }
        }
    }
}
