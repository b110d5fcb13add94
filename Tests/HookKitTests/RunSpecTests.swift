import Datasets
import Foundation
import Testing
@testable import HookKit

@Suite("Run spec parsing")
struct RunSpecTests {
    static let defaultSpecPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config/default-run.json").path

    @Test func defaultSpecParses() throws {
        let spec = try RunSpec.load(path: Self.defaultSpecPath)
        #expect(spec.name == "fashion-cnn")
        #expect(spec.model.arch == .simpleCNN)
        #expect(spec.model.channels == [1, 16, 32, 64, 10])
        #expect(spec.model.batchNorm)
        #expect(spec.data.format == .idx)
        #expect(spec.data.path == "/usr/share/datasets/fashion-mnist")
        #expect(spec.train.epochs == 1 && spec.train.batchSize == 64 && spec.train.optimizer == .adam)
        #expect(spec.train.lr == 0.003 && spec.train.schedule == .oneCycle && spec.train.seed == 42)
        #expect(spec.hooks == [HookSpec(modules: .params, kind: .forward, stats: [.scalar(.mean), .scalar(.std), .scalar(.nearZero)], every: 1)])
    }

    @Test func imageFolderTakesSizeAndChannels() throws {
        let spec = try RunSpec.parse(Data(#"""
            {"model": {"arch": "resnet18"},
             "data": {"format": "image_folder", "path": "/data/pets", "size": [224, 160], "channels": 3}}
            """#.utf8))
        #expect(spec.data.size == [224, 160] && spec.data.channels == 3)
        let plain = try RunSpec.parse(Data(#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d"}}"#.utf8))
        #expect(plain.data.size == nil && plain.data.channels == nil)
    }

    @Test func imageFolderTakesTheLoaderSettings() throws {
        let spec = try RunSpec.parse(Data(#"""
            {"model": {"arch": "resnet18"},
             "data": {"format": "image_folder", "path": "/data/pets", "normalize": "imagenet", "workers": 3, "cache": "memory",
                      "augment": {"flip": true, "pad_crop": 4, "random_resized_crop": {"scale": [0.35, 1]}}}}
            """#.utf8))
        #expect(spec.data.normalize == .fixed(.imagenet))
        #expect(spec.data.workers == 3 && spec.data.cache == .memory)
        #expect(spec.data.augment == Augmentation(flip: true, padCrop: 4, resizedCropScale: 0.35...1))
        let given = try RunSpec.parse(Data(#"""
            {"model": {"arch": "resnet18"},
             "data": {"format": "image_folder", "path": "/d", "normalize": {"mean": [0.5, 0.4, 0.3], "std": [0.25, 0.5, 1]}}}
            """#.utf8))
        #expect(given.data.normalize == .fixed(Normalization(mean: [0.5, 0.4, 0.3], std: [0.25, 0.5, 1])))
        // Defaults: dataset statistics, workers from the cores, no cache, no augmentation.
        let plain = try RunSpec.parse(Data(#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d"}}"#.utf8))
        #expect(plain.data.normalize == .dataset && plain.data.workers == nil && plain.data.cache == DataSpec.Cache.none)
        #expect(plain.data.augment.isIdentity)
    }

    @Test func photoFolderExampleParses() throws {
        let path = (Self.defaultSpecPath as NSString).deletingLastPathComponent + "/examples/photo-folder.json"
        let spec = try RunSpec.load(path: path)
        #expect(spec.data.format == .imageFolder && spec.data.channels == 3 && spec.data.size == [128, 128])
        #expect(spec.data.normalize == .fixed(.imagenet))
        #expect(spec.data.augment == Augmentation(flip: true, resizedCropScale: 0.35...1))
    }

    static let valid = """
        {"model": {"arch": "simple_cnn", "channels": [1, 8, 4]},
         "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4},
         "train": {"epochs": 1},
         "hooks": [{"modules": ["0.0"], "stats": ["mean", "std"]}]}
        """

    @Test func minimalSpecParsesWithDefaults() throws {
        let spec = try RunSpec.parse(Data(Self.valid.utf8))
        #expect(spec.name == "run")
        #expect(spec.train.batchSize == 64)
        #expect(spec.hooks == [HookSpec(modules: .paths(["0.0"]), kind: .forward, stats: [.scalar(.mean), .scalar(.std)], every: 1)])
        let noHooks = try RunSpec.parse(Data(Self.valid.replacingOccurrences(
            of: #""hooks": [{"modules": ["0.0"], "stats": ["mean", "std"]}]"#, with: #""hooks": []"#).utf8))
        #expect(noHooks.hooks.isEmpty)
    }

    /// Each broken spec and the exact JSON path its error names.
    static let broken: [(String, String)] = [
        // unknown keys
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "extra": 1}"#, "$.extra"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "train": {"epoch": 2}}"#, "$.train.epoch"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4], "bn": true}, "data": {"format": "synthetic"}}"#, "$.model.bn"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "hooks": [{"layer": "0"}]}"#, "$.hooks[0].layer"),
        // wrong types
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "train": {"epochs": "2"}}"#, "$.train.epochs"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "train": {"epochs": 1.5}}"#, "$.train.epochs"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, "8", 4]}, "data": {"format": "synthetic"}}"#, "$.model.channels[1]"),
        (#"{"model": {"arch": "simple_cnn", "channels": 4}, "data": {"format": "synthetic"}}"#, "$.model.channels"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4], "batch_norm": "yes"}, "data": {"format": "synthetic"}}"#, "$.model.batch_norm"),
        (#"{"model": [], "data": {"format": "synthetic"}}"#, "$.model"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "hooks": {"modules": "all"}}"#, "$.hooks"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "hooks": [{"every": 0}]}"#, "$.hooks[0].every"),
        // bad enum values
        (#"{"model": {"arch": "vgg16"}, "data": {"format": "synthetic"}}"#, "$.model.arch"),
        (#"{"model": {"arch": "mlp", "layers": [4, 2], "activation": "tanh"}, "data": {"format": "synthetic"}}"#, "$.model.activation"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4], "activation": "sigmoid"}, "data": {"format": "synthetic"}}"#, "$.model.activation"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "csv"}}"#, "$.data.format"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "train": {"optimizer": "rmsprop"}}"#, "$.train.optimizer"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "train": {"schedule": "cosine"}}"#, "$.train.schedule"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "hooks": [{"kind": "sideways"}]}"#, "$.hooks[0].kind"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "hooks": [{"stats": ["mean", "median"]}]}"#, "$.hooks[0].stats[1]"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "hooks": [{}, {"modules": "some"}]}"#, "$.hooks[1].modules"),
        // missing required fields
        (#"{"data": {"format": "synthetic"}}"#, "$.model"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}}"#, "$.data"),
        (#"{"model": {"channels": [1, 4]}, "data": {"format": "synthetic"}}"#, "$.model.arch"),
        (#"{"model": {"arch": "simple_cnn"}, "data": {"format": "synthetic"}}"#, "$.model.channels"),
        (#"{"model": {"arch": "mlp"}, "data": {"format": "synthetic"}}"#, "$.model.layers"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {}}"#, "$.data.format"),
        (#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "idx"}}"#, "$.data.path"),
        // image_folder's size and channels
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "size": [224]}}"#, "$.data.size"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "size": 224}}"#, "$.data.size"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "size": [224, "224"]}}"#, "$.data.size[1]"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "size": [0, 224]}}"#, "$.data.size[0]"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "channels": 2}}"#, "$.data.channels"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "channels": "rgb"}}"#, "$.data.channels"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "sizes": [8, 8]}}"#, "$.data.sizes"),
        (#"{"model": {"arch": "mlp", "layers": [784, 10]}, "data": {"format": "idx", "path": "/d", "size": [8, 8]}}"#, "$.data.size"),
        (#"{"model": {"arch": "mlp", "layers": [64, 10]}, "data": {"format": "synthetic", "channels": 1}}"#, "$.data.channels"),
        // the loader's settings
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "normalize": "cifar"}}"#, "$.data.normalize"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "normalize": {"mean": [0.5]}}}"#, "$.data.normalize.std"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "normalize": {"mean": [0.5, 0.5], "std": [1, 1]}}}"#, "$.data.normalize"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "normalize": {"mean": [0.5], "std": [0]}}}"#, "$.data.normalize.std[0]"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "workers": 0}}"#, "$.data.workers"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "cache": "disk"}}"#, "$.data.cache"),
        (#"{"model": {"arch": "mlp", "layers": [64, 10]}, "data": {"format": "synthetic", "cache": "memory"}}"#, "$.data.cache"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "augment": {"flip": 1}}}"#, "$.data.augment.flip"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "augment": {"rotate": 10}}}"#, "$.data.augment.rotate"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "augment": {"random_resized_crop": {}}}}"#, "$.data.augment.random_resized_crop.scale"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "augment": {"random_resized_crop": {"scale": [0.9, 0.2]}}}}"#, "$.data.augment.random_resized_crop.scale"),
        (#"{"model": {"arch": "resnet18"}, "data": {"format": "image_folder", "path": "/d", "augment": {"random_resized_crop": {"scale": [0.2, 1.5]}}}}"#, "$.data.augment.random_resized_crop.scale[1]"),
        // malformed JSON
        (#"{"model": {"arch": "simple_cnn""#, "$"),
        ("not json", "$"),
        ("[1, 2]", "$"),
    ]

    @Test(arguments: broken)
    func errorsNameTheJSONPath(_ json: String, _ path: String) throws {
        do {
            let spec = try RunSpec.parse(Data(json.utf8))
            Issue.record("parsed \(spec.name) from \(json); expected an error at \(path)")
        } catch let error as SpecError {
            #expect(error.path == path, "\(error)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func loadPrefixesTheFileName() throws {
        let folder = try TempFolder()
        let file = folder.url.appendingPathComponent("bad.json")
        try Data(#"{"model": {"arch": "simple_cnn", "channels": [1, 4]}, "data": {"format": "synthetic"}, "train": {"lr": -1}}"#.utf8).write(to: file)
        #expect(throws: SpecError(path: "\(file.path): $.train.lr", message: "must be in 1e-12...100.0, got -1.0")) {
            try RunSpec.load(path: file.path)
        }
    }
}
