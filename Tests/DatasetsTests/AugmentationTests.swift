import Foundation
import Testing

@testable import Datasets

/// The loader's augmentation against torchvision's transforms, run by
/// `scripts/make_augment_fixtures.py` on hookd's own random numbers (`Fixtures/augment.json`).
@Suite("Augmentation")
struct AugmentationTests {
    struct Sample {
        let crop: Augmentation.Box?
        let pad: [Int]?
        let flip: Bool
        let pixels: [UInt8]
        /// With a resized crop: the same steps unrounded, to tell ties from differences.
        let values: [Double]?
    }

    struct Case {
        let name: String
        let augmentation: Augmentation
        let seed: UInt64
        let images: LabeledImages
        /// Epoch → the samples in image order.
        let epochs: [(Int, [Sample])]
    }

    static func cases() throws -> [Case] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try ImageFixture.path("augment.json")))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(root["cases"] as? [[String: Any]]).map { c in
            let aug = try #require(c["augment"] as? [String: Any])
            let scale = aug["scale"] as? [Double]
            let augmentation = Augmentation(
                flip: try #require(aug["flip"] as? Bool), padCrop: try #require(aug["pad_crop"] as? Int),
                resizedCropScale: scale.map { $0[0]...$0[1] })
            let images = try #require(c["images"] as? [[Int]])
            let labeled = try LabeledImages(
                channels: try #require(c["channels"] as? Int), height: try #require(c["height"] as? Int),
                width: try #require(c["width"] as? Int), pixels: images.flatMap { $0.map { UInt8($0) } },
                labels: images.map { _ in 0 }, classes: ["x"])
            let epochs = try #require(c["epochs"] as? [[String: Any]]).map { e in
                (try #require(e["epoch"] as? Int), try #require(e["samples"] as? [[String: Any]]).map { s in
                    let crop = (s["crop"] as? [Int]).map { Augmentation.Box(top: $0[0], left: $0[1], height: $0[2], width: $0[3]) }
                    return Sample(crop: crop, pad: s["pad"] as? [Int], flip: try #require(s["flip"] as? Bool),
                                  pixels: try #require(s["pixels"] as? [Int]).map { UInt8($0) }, values: s["values"] as? [Double])
                })
            }
            return Case(name: try #require(c["name"] as? String), augmentation: augmentation,
                        seed: UInt64(try #require(c["seed"] as? Int)), images: labeled, epochs: epochs)
        }
    }

    @Test("with a fixed seed the crops, pads and flips equal torchvision's on the same random numbers")
    func equalsTorchvision() throws {
        let cases = try Self.cases()
        #expect(cases.count == 5)
        for c in cases {
            let images = c.images
            let loader = try DataLoader(images, normalization: .identity(channels: images.channels), options: .init(
                batchSize: images.count, shuffle: false, seed: c.seed, workers: 2, augmentation: c.augmentation))
            for (epoch, samples) in c.epochs {
                let batch = try #require(try loader.epoch(epoch).next())
                for (k, sample) in samples.enumerated() {
                    var rng = Augmentation.generator(seed: c.seed, epoch: epoch, sample: k)
                    let draw = c.augmentation.draw(height: images.height, width: images.width, using: &rng)
                    #expect(draw.crop == sample.crop, "\(c.name) epoch \(epoch) image \(k): crop")
                    #expect(draw.padOffset.map { [$0.top, $0.left] } == sample.pad, "\(c.name) epoch \(epoch) image \(k): pad")
                    #expect(draw.flipped == sample.flip, "\(c.name) epoch \(epoch) image \(k): flip")
                    let values = batch.inputs[(k * images.imageSize)..<((k + 1) * images.imageSize)]
                    let bytes = values.map { UInt8(($0 * 255).rounded()) }
                    // Exact, except where interpolation lands on x.5: torch's AVX2 kernel and
                    // ours (like torch's plain one) may round such ties apart by one.
                    let bad = bytes.indices.filter { i in
                        guard bytes[i] != sample.pixels[i] else { return false }
                        guard let exact = sample.values?[i], abs(Int(bytes[i]) - Int(sample.pixels[i])) == 1 else { return true }
                        return abs(exact - exact.rounded(.down) - 0.5) > 1e-3
                    }
                    #expect(bad.isEmpty, "\(c.name) epoch \(epoch) image \(k): \(bad.count) pixels differ, e.g. \(bad.prefix(3).map { "[\($0)] \(bytes[$0]) vs \(sample.pixels[$0])" })")
                }
            }
            // Augmented images differ from the originals, and between epochs where the draws do.
            let first = try loader.epoch(0).remaining().flatMap(\.inputs)
            #expect(first != images.pixels.map { Float($0) / 255 }, "\(c.name)")
            let sameDraws = c.epochs[0].1.map(\.pixels) == c.epochs[1].1.map(\.pixels)
            #expect((first == (try loader.epoch(1).remaining().flatMap(\.inputs))) == sameDraws, "\(c.name)")
        }
    }

    @Test("augmented batches do not depend on the number of workers; off leaves images as they are")
    func deterministic() throws {
        let data = try SyntheticData.make(count: 37, channels: 3, height: 10, width: 14, classes: 3, seed: 4)
        let augmentation = Augmentation(flip: true, padCrop: 2, resizedCropScale: 0.3...1)
        let batches = { (workers: Int, augmentation: Augmentation) in
            try DataLoader(data, normalization: .identity(channels: 3), options: .init(
                batchSize: 8, seed: 9, workers: workers, augmentation: augmentation)).epoch(2).remaining().map(\.inputs)
        }
        #expect(try batches(1, augmentation) == batches(3, augmentation))
        let plain = try DataLoader(data, normalization: .identity(channels: 3), options: .init(batchSize: 8, seed: 9)).epoch(2)
        #expect(try batches(2, Augmentation()) == plain.remaining().map(\.inputs))
    }
}
