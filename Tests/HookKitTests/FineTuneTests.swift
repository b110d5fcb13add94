import Foundation
import Testing
@testable import HookKit
import Torch

/// The seed's scenario (`cnn_learner(data, models.resnet34)`): a resnet34 body with weights
/// from a torchvision file, frozen, a new fastai head, one epoch on an image folder.
@Suite("Fine-tuning a pretrained resnet34", .enabled(if: TorchPython.available, TorchPython.skipReason))
struct FineTuneTests {
    /// The JPEGs that `scripts/make_image_fixtures.py` wrote for the Datasets tests.
    static let images = TorchPython.repository.appendingPathComponent("Tests/DatasetsTests/Fixtures")

    /// train: 3 images per class (cat, dog, fish); valid: 1 per class.
    static func imageFolder(in dir: TempFolder) throws -> String {
        let sources = ["rgb_9x13.jpg", "rgb_444_6x5.jpg", "rgb_progressive_7x10.jpg"]
        for (c, label) in ["cat", "dog", "fish"].enumerated() {
            for (split, count) in [("train", 3), ("valid", 1)] {
                for i in 0..<count {
                    let target = dir.url.appendingPathComponent("images/\(split)/\(label)/\(i).jpg")
                    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try FileManager.default.copyItem(at: images.appendingPathComponent(sources[(c + i) % 3]), to: target)
                }
            }
        }
        return dir.path("images")
    }

    @Test func theFrozenBodyKeepsItsWeightsBitForBitAndTheHeadLearns() throws {
        let dir = try TempFolder()
        try TorchPython.script("weights_oracle.py", ["resnet34", dir.url.path, "--classes", "37", "--size", "32"])
        let weights = dir.path("weights.pt")
        let spec = try RunSpec.parse(Data("""
            {"name": "pets", "model": {"arch": "resnet34", "frozen": true, "weights": "\(weights)", "weights_prefix": "body.", "weights_strict": false},
             "data": {"format": "image_folder", "path": "\(try Self.imageFolder(in: dir))", "size": [32, 32], "channels": 3},
             "train": {"epochs": 1, "batch_size": 3, "lr": 0.01, "threads": 1}}
            """.utf8))
        let job = try TrainingJob(spec: spec)
        #expect(job.weights?.left.unexpected == ["body.fc.bias", "body.fc.weight"])

        // What `hookd summary --spec` prints: the body untrainable but its batch norm (fastai's train_bn).
        for layer in job.summary.layers where layer.params > 0 {
            let inBody = layer.path.hasPrefix("body.")
            #expect(layer.trainable == (!inBody || layer.type.hasPrefix("BatchNorm")), "\(layer.path) \(layer.type)")
        }
        let headBefore = try job.model.stateDict().filter { $0.name.hasPrefix("head.") }.map { ($0.name, try $0.tensor.floats()) }

        try job.train()
        let checkpoint = dir.url.appendingPathComponent("run.ckpt")
        try job.saveCheckpoint(to: checkpoint, position: TrainingPosition())
        let exportedFile = dir.url.appendingPathComponent("exported.pt")
        try TrainingJob.exportWeights(fromCheckpoint: checkpoint).write(to: exportedFile)
        let exported = Dictionary(uniqueKeysWithValues: try StateDictFile.read(exportedFile).map { ($0.name, $0.tensor) })
        #expect(exported.count == job.model.stateDict().count)

        var frozen = 0, norms = 0
        for (name, original) in try StateDictFile.read(URL(fileURLWithPath: weights)) where !name.hasPrefix("fc.") {
            let key = "body." + name
            let value = try #require(exported[key], "\(key) not exported")
            let owner = String(key[..<key.lastIndex(of: ".")!])
            if job.model.module(at: owner) is BatchNorm {
                // Trainable and in training mode, as fastai leaves them: batch norm moved.
                if name.hasSuffix("num_batches_tracked") {
                    #expect(try value.int64s() == original.int64s().map { $0 + 3 }, "\(key): 9 images in batches of 3")
                } else if name.hasSuffix(".weight") {
                    norms += 1
                    #expect(try value.floats() != original.floats(), "\(key) did not train")
                }
            } else {
                frozen += 1
                #expect(try value.floats() == original.floats(), "\(key) changed")
            }
        }
        #expect(frozen == 36, "every conv of resnet34's body, the downsample ones included")
        #expect(norms == 36)
        for (name, before) in headBefore where name.hasSuffix("weight") {
            #expect(try exported[name]?.floats() != before, "\(name) did not train")
        }
    }
}
