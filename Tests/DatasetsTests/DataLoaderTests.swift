import Foundation
import Testing

@testable import Datasets

@Suite("DataLoader")
struct DataLoaderTests {
    /// 103 RGB images of 2×3: not a multiple of the batch size, so the last batch is short.
    static let data = try! SyntheticData.make(count: 103, channels: 3, height: 2, width: 3, classes: 7, seed: 11)

    static func loader(_ options: DataLoader.Options) throws -> DataLoader {
        try DataLoader(data, options: options)
    }

    @Test("every image appears exactly once per shuffled epoch; the last batch is short", arguments: [0, 2, 4])
    func coverage(prefetch: Int) throws {
        let loader = try Self.loader(.init(batchSize: 10, shuffle: true, seed: 5, prefetch: prefetch))
        #expect(loader.batchCount == 11)
        let batches = try loader.epoch(0).remaining()
        #expect(batches.count == 11)
        #expect(batches.map(\.index) == Array(0..<11))
        #expect(batches.dropLast().allSatisfy { $0.count == 10 })
        #expect(batches.last?.count == 3)
        #expect(batches.last?.shape == [3, 3, 2, 3])
        let seen = batches.flatMap(\.sampleIndices)
        #expect(seen.sorted() == Array(0..<103))
        #expect(seen != Array(0..<103), "shuffled")
    }

    @Test("drop last skips the short batch")
    func dropLast() throws {
        let loader = try Self.loader(.init(batchSize: 10, seed: 5, dropLast: true))
        let batches = try loader.epoch(3).remaining()
        #expect(loader.batchCount == 10)
        #expect(batches.count == 10)
        #expect(batches.allSatisfy { $0.count == 10 && $0.shape == [10, 3, 2, 3] })
        #expect(Set(batches.flatMap(\.sampleIndices)).count == 100)
    }

    @Test("same seed and epoch give the same batches; other epochs and seeds do not")
    func determinism() throws {
        let a = try Self.loader(.init(batchSize: 16, seed: 42))
        let b = try Self.loader(.init(batchSize: 16, seed: 42, prefetch: 0))
        let c = try Self.loader(.init(batchSize: 16, seed: 43))
        let order = { (loader: DataLoader, epoch: Int) in try loader.epoch(epoch).remaining().flatMap(\.sampleIndices) }
        #expect(try order(a, 0) == order(b, 0))
        #expect(try order(a, 1) == order(b, 1))
        #expect(try order(a, 0) != order(a, 1))
        #expect(try order(a, 0) != order(c, 0))
        #expect(try order(a, 2) == a.order(epoch: 2))
        // The documented recipe: SplitMix64 seeded with seed ^ epoch, Fisher–Yates.
        var rng = SplitMix64(seed: 42 ^ 2)
        #expect(a.order(epoch: 2) == rng.permutation(103))
    }

    @Test("without shuffle the images come in order")
    func noShuffle() throws {
        let loader = try Self.loader(.init(batchSize: 25, shuffle: false))
        #expect(try loader.epoch(0).remaining().flatMap(\.sampleIndices) == Array(0..<103))
        #expect(try loader.epoch(7).remaining().flatMap(\.sampleIndices) == Array(0..<103))
    }

    @Test("inputs are (pixel/255 - mean)/std per channel, labels follow the images")
    func contents() throws {
        let norm = Normalization(mean: [0.1, 0.5, 0.9], std: [0.2, 0.3, 0.4])
        let loader = try DataLoader(Self.data, normalization: norm, options: .init(batchSize: 8, seed: 1))
        let data = Self.data
        for batch in try loader.epoch(0).remaining() {
            for (slot, sample) in batch.sampleIndices.enumerated() {
                #expect(batch.labels[slot] == data.labels[sample])
                for i in 0..<data.imageSize {
                    let c = i / (data.height * data.width)
                    let expected = (Float(data.pixels[sample * data.imageSize + i]) / 255 - norm.mean[c]) / norm.std[c]
                    let got = batch.inputs[slot * data.imageSize + i]
                    if abs(got - expected) > 1e-5 {
                        Issue.record("batch \(batch.index) sample \(sample) value \(i): \(got) != \(expected)")
                        return
                    }
                }
            }
        }
        // Default: statistics of the data itself.
        #expect(try DataLoader(Self.data).normalization == Normalization(computedOver: Self.data))
    }

    @Test("prefetch delivers the same batches, in order, as building them inline")
    func prefetchOrder() throws {
        let inline = try Self.loader(.init(batchSize: 7, seed: 9, prefetch: 0)).epoch(4)
        let ahead = try Self.loader(.init(batchSize: 7, seed: 9, prefetch: 3)).epoch(4)
        let a = try inline.remaining(), b = try ahead.remaining()
        #expect(a.count == 15 && b.count == 15)
        #expect(a.map(\.index) == b.map(\.index))
        #expect(a.map(\.inputs) == b.map(\.inputs))
        #expect(a.map(\.labels) == b.map(\.labels))
        #expect(b.allSatisfy { $0.epoch == 4 })
    }

    @Test("a slower consumer never waits on decoding: batches are ready ahead")
    func readyAhead() throws {
        let big = try SyntheticData.make(count: 6 * 128, channels: 3, height: 32, width: 32, classes: 10, seed: 2)
        let loader = try DataLoader(big, options: .init(batchSize: 128, prefetch: 2))
        // What the consumer would spend if it built the batches itself.
        let order = loader.order(epoch: 0)
        let buildStart = Date()
        for i in 0..<loader.batchCount { _ = try loader.makeBatch(i, epoch: 0, order: order) }
        let buildTime = Date().timeIntervalSince(buildStart)

        let epoch = loader.epoch(0)
        Thread.sleep(forTimeInterval: buildTime)  // head start for the first batches
        var waited = 0.0
        var count = 0
        while true {
            let start = Date()
            guard try epoch.next() != nil else { break }
            waited += Date().timeIntervalSince(start)
            count += 1
            // "Train" for three times a batch's build time: the producer stays ahead even when
            // other tests share the two cores.
            Thread.sleep(forTimeInterval: 3 * buildTime / Double(loader.batchCount))
        }
        #expect(count == 6)
        #expect(epoch.stalls == 0)
        #expect(waited < buildTime / 4, "waited \(waited) s in next(); building takes \(buildTime) s")
    }

    @Test("cancelling early returns promptly, also while the producer waits for room")
    func cancel() throws {
        let big = try SyntheticData.make(count: 4096, channels: 3, height: 32, width: 32, classes: 10, seed: 3)
        let loader = try DataLoader(big, options: .init(batchSize: 32, prefetch: 2))
        let epoch = loader.epoch(0)
        #expect(try epoch.next() != nil)
        #expect(try epoch.next() != nil)
        Thread.sleep(forTimeInterval: 0.1)  // the producer fills the buffer and blocks
        let start = Date()
        epoch.cancel()
        #expect(Date().timeIntervalSince(start) < 0.5)
        #expect(try epoch.next() == nil)
        epoch.cancel()  // idempotent

        // Dropping an epoch mid-way (deinit) must not hang either, nor must abandoning it at once.
        let dropStart = Date()
        for n in 0..<20 {
            let e = loader.epoch(n)
            _ = try e.next()
        }
        for n in 0..<20 { _ = loader.epoch(n) }
        #expect(Date().timeIntervalSince(dropStart) < 5)
    }

    @Test("an empty split has no batches; bad options are rejected")
    func edges() throws {
        let empty = try LabeledImages(channels: 1, height: 2, width: 2, pixels: [], labels: [], classes: ["a"])
        let loader = try DataLoader(empty, normalization: .identity(channels: 1))
        #expect(loader.batchCount == 0)
        #expect(try loader.epoch(0).remaining().isEmpty)
        #expect(throws: DatasetError.self) { try DataLoader(Self.data, options: .init(batchSize: 0)) }
        #expect(throws: DatasetError.self) { try DataLoader(Self.data, options: .init(prefetch: -1)) }
        #expect(throws: DatasetError.self) { try DataLoader(Self.data, normalization: .identity(channels: 1)) }
    }
}
