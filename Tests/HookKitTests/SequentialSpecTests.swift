import Foundation
import Testing
@testable import HookKit
import Torch

/// `"arch": "sequential"` (SPEC §4): layer lists parsed strictly, built with PyTorch's paths,
/// checked for shapes before training.
@Suite("Sequential specs")
struct SequentialSpecTests {
    static let example = TorchPython.repository.appendingPathComponent("config/examples/sequential-resnet.json")

    /// A synthetic-data spec (1x8x8 images, 4 classes) around `layers`, given as JSON text.
    static func spec(_ layers: String) -> String {
        #"{"model": {"arch": "sequential", "layers": \#(layers)}, "#
            + #""data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 16, "valid_count": 8}}"#
    }

    static func build(_ layers: String) throws -> Module {
        let spec = try RunSpec.parse(Data(spec(layers).utf8))
        return try ModelFactory.make(spec.model, inputShape: [1, 8, 8], classes: 4)
    }

    @Test func theExampleHasPyTorchsModulePaths() throws {
        let spec = try RunSpec.load(path: Self.example.path)
        let model = try ModelFactory.make(spec.model, inputShape: [1, 28, 28], classes: 10)
        let paths = model.namedModules().map(\.path)
        for path in ["0", "3", "3.body", "3.body.0", "3.body.4", "4.body.3", "4.shortcut", "4.shortcut.1", "5.0", "5.2", "6.ap", "6.mp", "12"] {
            #expect(paths.contains(path), "no module \(path)")
        }
        #expect(model.module(at: "3")?.typeName == "Residual")
        #expect(model.module(at: "3.shortcut") == nil, "an omitted shortcut is the identity, not a module")
        #expect(model.module(at: "4.body.3").map { ($0 as? Conv2d)?.groups } == 4)
        #expect(model.module(at: "5.1")?.typeName == "MaxPool2d")
    }

    @Test(.enabled(if: TorchPython.available, TorchPython.skipReason))
    func thePyTorchTwinHasTheSameStateDictKeys() throws {
        let spec = try RunSpec.load(path: Self.example.path)
        let model = try ModelFactory.make(spec.model, inputShape: [1, 28, 28], classes: 10)
        let twin = try #require(try JSONSerialization.jsonObject(with: TorchPython.script("sequential_twin.py", [Self.example.path, "keys"])) as? [[Any]])
        #expect(model.stateDict().map(\.name) == twin.map { $0[0] as! String })
        #expect(model.stateDict().map(\.tensor.shape) == twin.map { $0[1] as! [Int] })
        #expect(model.stateDict().contains { $0.name == "4.shortcut.1.num_batches_tracked" })
    }

    @Test func everyLayerClassBuilds() throws {
        let model = try Self.build(#"""
            [{"Conv2d": {"in_channels": 1, "out_channels": 4, "kernel_size": [3, 3], "stride": 1, "padding": 1, "dilation": 1, "groups": 1, "bias": true}},
             {"BatchNorm2d": {"num_features": 4, "eps": 0.001, "momentum": 0.2, "affine": false, "track_running_stats": true}},
             {"ReLU": {"inplace": true}}, {"LeakyReLU": {"negative_slope": 0.2}}, {"GELU": {"approximate": "tanh"}},
             {"AvgPool2d": {"kernel_size": 2, "stride": 2, "padding": 0, "ceil_mode": false, "count_include_pad": true}},
             {"MaxPool2d": {"kernel_size": 2, "stride": 1, "padding": 1, "dilation": 1, "ceil_mode": true}},
             {"AdaptiveAvgPool2d": {"output_size": [2, 2]}}, {"AdaptiveConcatPool2d": {"size": 1}},
             {"Flatten": {"start_dim": 1, "end_dim": -1}}, {"BatchNorm1d": {"num_features": 8}}, {"Tanh": {}},
             {"Dropout": {"p": 0.1}}, {"Linear": {"in_features": 8, "out_features": 4, "bias": false}}, {"Sigmoid": {}}]
            """#)
        #expect(model.children.map(\.module.typeName) == ["Conv2d", "BatchNorm2d", "ReLU", "LeakyReLU", "GELU", "AvgPool2d", "MaxPool2d",
                                                          "AdaptiveAvgPool2d", "AdaptiveConcatPool2d", "Flatten", "BatchNorm1d", "Tanh",
                                                          "Dropout", "Linear", "Sigmoid"])
        #expect((model.module(at: "1") as? BatchNorm)?.weight == nil, "affine false has no weight")
        #expect((model.module(at: "13") as? Linear)?.bias == nil)
        let embedding = try LayerSpec(.object(["Embedding": .object(["num_embeddings": .number(10), "embedding_dim": .number(3), "padding_idx": .number(-1)])]), path: "$")
        #expect(embedding == .embedding(count: 10, dimension: 3, paddingIndex: 9))
    }

    static let refused: [(String, String)] = [
        (#"[{"Conv3d": {}}]"#, #"$.model.layers[0].Conv3d: unknown layer class "Conv3d"; expected one of \#(LayerSpec.classNames.joined(separator: ", "))"#),
        (#"[{"ReLU": {}}, {"Conv2d": {"in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding_mode": "zeros"}}]"#,
         "$.model.layers[1].Conv2d.padding_mode: unknown key"),
        (#"[{"Sequential": [{"ReLU": {}}, {"Conv2d": {"in_channels": 1, "out_channels": 4, "kernel_size": "3"}}]}]"#,
         "$.model.layers[0].Sequential[1].Conv2d.kernel_size: expected an integer, got a string"),
        (#"[{"Conv2d": {"in_channels": 1, "kernel_size": 3}}]"#, "$.model.layers[0].Conv2d.out_channels: is required"),
        (#"[{"Conv2d": {"in_channels": 1, "out_channels": 4, "kernel_size": [3, 3, 3]}}]"#, "$.model.layers[0].Conv2d.kernel_size: expected an integer or [height, width]"),
        (#"[{"Residual": {"shortcut": []}}]"#, "$.model.layers[0].Residual.body: is required"),
        (#"[{"Residual": {"body": [{"ReLU": {}}], "shortcut": [{"Linear": {"in_features": 2}}]}}]"#,
         "$.model.layers[0].Residual.shortcut[0].Linear.out_features: is required"),
        (#"[{"Residual": {"body": [{"ReLU": {}}], "skip": []}}]"#, "$.model.layers[0].Residual.skip: unknown key"),
        (#"[]"#, "$.model.layers: needs at least one layer"),
        (#"[{"ReLU": {}, "Tanh": {}}]"#, #"$.model.layers[0]: expected a one-key object naming the layer class, e.g. {"ReLU": {}}, got an object"#),
        (#"[784, 10]"#, #"$.model.layers[0]: expected a one-key object naming the layer class, e.g. {"ReLU": {}}, got a number"#),
        (#"[{"GELU": {"approximate": "erf"}}]"#, #"$.model.layers[0].GELU.approximate: unknown value "erf"; expected "none" or "tanh""#),
        (#"[{"Conv2d": {"in_channels": 3, "out_channels": 4, "kernel_size": 3, "groups": 2}}]"#,
         "$.model.layers[0]: in (3) and out (4) channels must be divisible by groups (2)"),
    ]

    @Test(arguments: refused)
    func refusedWithThePath(_ layers: String, _ expected: String) {
        #expect(throws: JSONParserTests.error(expected)) { try Self.build(layers) }
    }

    @Test func shapesAreCheckedWhenTheModelIsBuilt() {
        #expect(throws: SpecError(path: "$.model.layers[1].Residual.body[0]",
                                  message: "layer 1.body.0 (Conv2d) expects input (N, 3, H, W), got [2, 4, 8, 8] for input images of shape [1, 8, 8]")) {
            try Self.build(#"[{"Conv2d": {"in_channels": 1, "out_channels": 4, "kernel_size": 1}}, {"Residual": {"body": [{"Conv2d": {"in_channels": 3, "out_channels": 4, "kernel_size": 1}}]}}]"#)
        }
        #expect(throws: SpecError(path: "$.model.layers[0]",
                                  message: "layer 0 (Residual) body gives [2, 4, 8, 8] but the identity shortcut gives [2, 1, 8, 8]; they must match to be added for input images of shape [1, 8, 8]")) {
            try Self.build(#"[{"Residual": {"body": [{"Conv2d": {"in_channels": 1, "out_channels": 4, "kernel_size": 1}}]}}]"#)
        }
        #expect(throws: SpecError(path: "$.model.layers[2]",
                                  message: "layer 2 (Linear) expects input (*, 60), got [2, 64] for input images of shape [1, 8, 8]")) {
            try Self.build(#"[{"Flatten": {}}, {"ReLU": {}}, {"Linear": {"in_features": 60, "out_features": 4}}]"#)
        }
        #expect(throws: SpecError(path: "$.model.layers",
                                  message: "the model outputs [2, 5] for a batch of 2 images but must output [2, 4] (the data has 4 classes)")) {
            try Self.build(#"[{"Flatten": {}}, {"Linear": {"in_features": 64, "out_features": 5}}]"#)
        }
    }

    @Test func moduleThePathsMapBackToTheSpec() {
        let layers: [LayerSpec] = [.relu, .sequential([.relu, .residual(body: [.tanh], shortcut: [.sigmoid, .relu])]), .adaptiveConcatPool2d(outputSize: 1)]
        #expect(LayerSpec.jsonPath(ofModule: "0", in: layers, base: "$.l") == "$.l[0]")
        #expect(LayerSpec.jsonPath(ofModule: "1.1.shortcut.1", in: layers, base: "$.l") == "$.l[1].Sequential[1].Residual.shortcut[1]")
        #expect(LayerSpec.jsonPath(ofModule: "1.1", in: layers, base: "$.l") == "$.l[1].Sequential[1]")
        #expect(LayerSpec.jsonPath(ofModule: "2.mp", in: layers, base: "$.l") == "$.l[2]")
        #expect(LayerSpec.jsonPath(ofModule: "3", in: layers, base: "$.l") == nil)
    }
}
