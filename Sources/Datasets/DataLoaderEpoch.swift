import Foundation

extension DataLoader {
    /// One pass over the split: `next()` yields its `Batch`es in order.
    ///
    /// An image that cannot be read ends the epoch: `next()` throws its error (naming the
    /// file) in place of that batch, after every batch before it. With `prefetch > 0` a producer on a private serial DispatchQueue builds batches as
    /// soon as the epoch is created and keeps up to `prefetch` ready, so `next()` blocks only
    /// when the producer is behind. Stop early with `cancel()`, or just drop the epoch:
    /// `deinit` cancels, and both wait for the producer's current batch (if any) so no
    /// background work outlives the epoch. Iterate from one thread at a time.
    public final class Epoch {
        /// The epoch number (also mixed into the shuffle seed).
        public let epoch: Int
        /// Batches this epoch yields in total.
        public let batchCount: Int
        /// How many `next()` calls had to wait for the producer (0 when prefetch keeps up).
        public private(set) var stalls = 0
        private let loader: DataLoader
        private let order: [Int]
        private let buffer: PrefetchBuffer?
        private var nextIndex = 0
        private var cancelled = false

        init(loader: DataLoader, epoch: Int, startingAt first: Int) {
            self.loader = loader
            self.epoch = epoch
            self.batchCount = loader.batchCount
            self.order = loader.order(epoch: epoch)
            self.nextIndex = Swift.min(Swift.max(0, first), batchCount)
            guard loader.options.prefetch > 0, batchCount > 0 else {
                buffer = nil
                return
            }
            let buffer = PrefetchBuffer(capacity: loader.options.prefetch)
            self.buffer = buffer
            let (order, count, first) = (order, batchCount, nextIndex)
            let queue = DispatchQueue(label: "hookd.datasets.prefetch", qos: .userInitiated)
            queue.async {
                for index in first..<count {
                    guard buffer.waitForRoom() else { break }
                    let batch = Result { try loader.makeBatch(index, epoch: epoch, order: order) }
                    buffer.put(batch)
                    if case .failure = batch { break }
                }
                buffer.finishProducing()
            }
        }

        deinit { cancel() }

        /// The next batch, or nil at the end of the epoch or after `cancel()`.
        /// - Throws: the error of the first image of this batch that could not be read; the
        ///   epoch is then over (later calls return nil).
        public func next() throws -> Batch? {
            guard !cancelled, nextIndex < batchCount else { return nil }
            defer { nextIndex += 1 }
            do {
                guard let buffer else { return try loader.makeBatch(nextIndex, epoch: epoch, order: order) }
                let (batch, stalled) = buffer.take()
                if stalled { stalls += 1 }
                return try batch?.get()
            } catch {
                cancel()
                throw error
            }
        }

        /// The batches still to come, in order.
        /// - Throws: as `next()`.
        public func remaining() throws -> [Batch] {
            var batches = [Batch]()
            batches.reserveCapacity(batchCount - nextIndex)
            while let batch = try next() { batches.append(batch) }
            return batches
        }

        /// Stops producing and releases ready batches; later `next()` calls return nil.
        /// Idempotent; returns once the background producer has stopped.
        public func cancel() {
            guard !cancelled else { return }
            cancelled = true
            buffer?.cancelAndWait()
        }
    }
}
