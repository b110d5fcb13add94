import Foundation
import Testing

@testable import Datasets

/// `ImageFolder.open`: files listed up front, decoded by the loader batch by batch.
@Suite("Streaming image folders")
struct StreamingFolderTests {
    /// train/a: ten copies of a 9×13 JPEG, train/b: ten of a progressive 7×10 one, valid: one
    /// each; every image is resized to 8×8.
    static func writeFolder(_ dir: TempDirectory) throws {
        let a = try FixtureWriter.bytes(of: try ImageFixture.path("rgb_9x13.jpg"))
        let b = try FixtureWriter.bytes(of: try ImageFixture.path("rgb_progressive_7x10.jpg"))
        for i in 0..<10 {
            try FixtureWriter.write(try dir.file("train/a/\(i).jpg"), a, gzip: false)
            try FixtureWriter.write(try dir.file("train/b/\(i).jpg"), b, gzip: false)
        }
        try FixtureWriter.write(try dir.file("valid/a/0.jpg"), a, gzip: false)
        try FixtureWriter.write(try dir.file("valid/b/0.jpg"), b, gzip: false)
    }

    static let size = (height: 8, width: 8)

    static func options(workers: Int, prefetch: Int = 2) -> DataLoader.Options {
        .init(batchSize: 4, seed: 3, prefetch: prefetch, workers: workers)
    }

    static func inputs(_ loader: DataLoader, epochs: Int) throws -> [[Float]] {
        try (0..<epochs).flatMap { try loader.epoch($0).remaining().map(\.inputs) }
    }

    @Test("streamed batches equal those of the folder decoded up front, for any workers, cached or not",
          arguments: [(1, false), (3, false), (2, true)])
    func sameBatches(workers: Int, cache: Bool) throws {
        let dir = try TempDirectory()
        try Self.writeFolder(dir)
        let eager = try ImageFolder.load(root: dir.path, size: Self.size)
        let streamed = try ImageFolder.open(root: dir.path, size: Self.size, cache: cache)
        #expect(streamed.train.count == 20 && streamed.valid.count == 2)
        #expect(streamed.train.isCached == cache)
        let norm = Normalization.identity(channels: 3)
        let expected = try Self.inputs(try DataLoader(eager.train, normalization: norm, options: Self.options(workers: 1)), epochs: 2)
        let got = try Self.inputs(try DataLoader(streamed.train, normalization: norm, options: Self.options(workers: workers)), epochs: 2)
        #expect(got == expected)
        // "dataset" statistics read the files once, in parallel, and equal those of the decoded split.
        #expect(try Normalization(computedOver: streamed.train, workers: workers) == Normalization(computedOver: eager.train))
    }

    @Test("an image that does not decode mid-epoch ends it with the file's name, after every batch before it",
          arguments: [0, 2])
    func corruptMidEpoch(prefetch: Int) throws {
        let dir = try TempDirectory()
        try Self.writeFolder(dir)
        // Index 11 in file order: the fourth image of batch 2 without shuffling.
        let bad = dir.path + "/train/b/1.jpg"
        let whole = try FixtureWriter.bytes(of: bad)
        try FixtureWriter.write(bad, Array(whole.prefix(whole.count / 2)), gzip: false)
        let files = try ImageFolder.open(root: dir.path, size: Self.size).train
        var options = Self.options(workers: 2, prefetch: prefetch)
        options.shuffle = false
        let epoch = try DataLoader(files, normalization: .identity(channels: 3), options: options).epoch(0)
        #expect(try epoch.next()?.index == 0)
        #expect(try epoch.next()?.index == 1)
        let error = #expect(throws: DatasetError.self) { try epoch.next() }
        guard case .corruptImage(let path, _)? = error else {
            Issue.record("expected corruptImage, got \(String(describing: error))")
            return
        }
        #expect(path == bad)
        #expect(try epoch.next() == nil, "the epoch is over")
    }

    @Test("a memory cache keeps decoded images: later epochs read no files")
    func memoryCache() throws {
        let dir = try TempDirectory()
        try Self.writeFolder(dir)
        let eager = try ImageFolder.load(root: dir.path, size: Self.size)
        let norm = Normalization.identity(channels: 3)
        let expected = try Self.inputs(try DataLoader(eager.train, normalization: norm, options: Self.options(workers: 1)), epochs: 2)
        let cached = try DataLoader(try ImageFolder.open(root: dir.path, size: Self.size, cache: true).train,
                                    normalization: norm, options: Self.options(workers: 2))
        let uncached = try DataLoader(try ImageFolder.open(root: dir.path, size: Self.size).train,
                                      normalization: norm, options: Self.options(workers: 2))
        #expect(try cached.epoch(0).remaining().map(\.inputs) == Array(expected.prefix(5)))
        try FileManager.default.removeItem(atPath: dir.path + "/train")
        #expect(try cached.epoch(1).remaining().map(\.inputs) == Array(expected.suffix(5)))
        let error = #expect(throws: DatasetError.self) { try uncached.epoch(1).remaining() }
        guard case .unreadable(let path, _)? = error else {
            Issue.record("expected unreadable, got \(String(describing: error))")
            return
        }
        #expect(path.hasPrefix(dir.path + "/train/"))
    }
}
