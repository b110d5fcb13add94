import Foundation
import Testing

@testable import Datasets

/// Where Debian's `dataset-fashion-mnist` installs the four gzip'd IDX files.
let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

/// The real data set, when installed.
@Suite("Fashion-MNIST", .enabled(if: FileManager.default.fileExists(atPath: fashionMNISTDirectory)))
struct FashionMNISTTests {
    @Test("loads 60000 train and 10000 valid 28×28 images in 10 classes, with its known statistics")
    func load() throws {
        let start = Date()
        let splits = try IDXDataset.load(directory: fashionMNISTDirectory)
        print("Fashion-MNIST loaded in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        #expect(splits.train.count == 60000)
        #expect(splits.valid.count == 10000)
        #expect(splits.train.shape == [1, 28, 28])
        #expect(splits.classes.count == 10)
        #expect(splits.classes == IDXDataset.fashionMNISTClasses)
        // The first training image is an ankle boot, the first test image too.
        #expect(splits.train.labels.first == 9)
        #expect(splits.valid.labels.first == 9)
        // 6000 of each class in train, 1000 in valid.
        var perClass = [Int](repeating: 0, count: 10)
        for label in splits.train.labels { perClass[Int(label)] += 1 }
        #expect(perClass == [Int](repeating: 6000, count: 10))

        let norm = try Normalization(computedOver: splits.train)
        #expect(abs(norm.mean[0] - 0.2860) < 5e-4, "mean \(norm.mean[0])")
        #expect(abs(norm.std[0] - 0.3530) < 5e-4, "std \(norm.std[0])")
    }

    @Test("one shuffled epoch over the training split visits every image once")
    func epoch() throws {
        let splits = try IDXDataset.load(directory: fashionMNISTDirectory)
        let loader = try DataLoader(splits.train, options: .init(batchSize: 256, seed: 1))
        let start = Date()
        var seen = [Bool](repeating: false, count: splits.train.count)
        var batches = 0
        let epoch = loader.epoch(0)
        while let batch = try epoch.next() {
            batches += 1
            for i in batch.sampleIndices { seen[i] = true }
            #expect(batch.inputs.count == batch.count * 784)
        }
        print("Fashion-MNIST epoch of \(batches) batches in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        #expect(batches == 235)
        #expect(seen.allSatisfy { $0 })
    }
}
