import Foundation
import Testing
@testable import HookKit
import Torch

/// `model.weights` (SPEC §4): PyTorch state_dict files in, hookd's state dicts out, checked
/// against PyTorch itself through `scripts/weights_oracle.py`.
@Suite("Model weights", .enabled(if: TorchPython.available, TorchPython.skipReason))
struct WeightsTests {
    static let example = SequentialSpecTests.example.path

    /// The input and PyTorch's eval-mode output that weights_oracle.py wrote beside the weights.
    static func forward(_ directory: TempFolder) throws -> (input: Tensor, output: [Float], shape: [Int]) {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path("forward.json")))) as? [String: [String: Any]])
        func values(_ key: String) throws -> ([Float], [Int]) {
            let entry = try #require(json[key])
            return (try #require(entry["data"] as? [NSNumber]).map { Float($0.doubleValue) }, try #require(entry["shape"] as? [Int]))
        }
        let (x, xShape) = try values("input")
        let (y, yShape) = try values("output")
        return (try Tensor(x, shape: xShape), y, yShape)
    }

    static func expectClose(_ got: Tensor, _ want: [Float], _ shape: [Int], tolerance: Float = 1e-5,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(got.shape == shape, sourceLocation: sourceLocation)
        let values = try got.floats()
        let worst = zip(values, want).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        #expect(worst <= tolerance, "largest difference \(worst)", sourceLocation: sourceLocation)
    }

    /// The example `sequential` spec with `model` keys added.
    static func exampleSpec(_ extra: [String: JSONValue]) throws -> ModelSpec {
        guard case .object(var root) = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: example))),
              case .object(var model) = root["model"] else { throw SpecError(path: "$", message: "example spec") }
        model.merge(extra) { $1 }
        root["model"] = .object(model)
        let data = try JSONSerialization.data(withJSONObject: JSONValue.object(root).foundation)
        return try RunSpec.parse(data).model
    }

    @Test func aSequentialTwinsWeightsGivePyTorchsOutput() throws {
        let scratch = try TempFolder()
        try TorchPython.script("weights_oracle.py", ["sequential", Self.example, scratch.url.path])
        let spec = try Self.exampleSpec(["weights": .string(scratch.path("weights.pt"))])
        let model = try ModelFactory.make(spec, inputShape: [1, 28, 28], classes: 10)
        let report = try #require(try spec.loadWeights(into: model))
        #expect(report.loaded == model.stateDict().count && report.left.isEmpty)
        // Buffers load too: three training batches in PyTorch.
        #expect(try (model.module(at: "4.shortcut.1") as? BatchNorm)?.batchesTracked == 3)
        model.eval()
        let (x, y, shape) = try Self.forward(scratch)
        try Self.expectClose(try withNoGrad { try model(x) }, y, shape)

        // Out again the way hookd export and GET /runs/{id}/weights go, through a checkpoint:
        // torch.load + load_state_dict(strict=True) on the twin, every tensor bit for bit.
        let checkpoint = scratch.url.appendingPathComponent("run.ckpt")
        try Checkpoint(tensors: model.stateDict().map { (TrainingJob.modelPrefix + $0.name, $0.tensor) }).save(to: checkpoint)
        let exported = scratch.path("exported.pt")
        try TrainingJob.exportWeights(fromCheckpoint: checkpoint).write(to: URL(fileURLWithPath: exported))
        let answer = try TorchPython.script("weights_oracle.py", ["compare", Self.example, exported, scratch.path("weights.pt")])
        #expect(String(decoding: answer, as: UTF8.self) == "ok\n")
        // And hookd reads its own export (libtorch's pickler tags the dict's type).
        let back = try StateDictFile.read(URL(fileURLWithPath: exported))
        #expect(back.map(\.name) == model.stateDict().map(\.name))
        #expect(try back.map { try $0.tensor.floats() } == model.stateDict().map { try $0.tensor.floats() })
    }

    @Test func torchvisionResnet34GivesPyTorchsOutput() throws {
        let scratch = try TempFolder()
        try TorchPython.script("weights_oracle.py", ["resnet34", scratch.url.path, "--classes", "37", "--size", "64"])
        let model = try resnet34(classes: 37)
        let file = try StateDictFile.read(URL(fileURLWithPath: scratch.path("weights.pt")))
        #expect(try model.loadStateDict(Dictionary(uniqueKeysWithValues: file.map { ($0.name, $0.tensor) })).isEmpty)
        model.eval()
        let (x, y, shape) = try Self.forward(scratch)
        try Self.expectClose(try withNoGrad { try model(x) }, y, shape)

        let exported = scratch.path("exported.pt")
        try StateDictFile.write(model.stateDict(), to: URL(fileURLWithPath: exported))
        let answer = try TorchPython.script("weights_oracle.py", ["compare", "resnet34:37", exported, scratch.path("weights.pt")])
        #expect(String(decoding: answer, as: UTF8.self) == "ok\n")
    }

    @Test func aTorchvisionFileFillsTheResnetBodyUnderANewHead() throws {
        let scratch = try TempFolder()
        try TorchPython.script("weights_oracle.py", ["resnet34", scratch.url.path, "--classes", "37", "--size", "32"])
        let spec = try RunSpec.parse(Data(#"{"model": {"arch": "resnet34", "frozen": true, "weights": "\#(scratch.path("weights.pt"))", "weights_prefix": "body.", "weights_strict": false}, "data": {"format": "synthetic", "shape": [3, 32, 32], "classes": 5}}"#.utf8)).model
        let model = try ModelFactory.make(spec, inputShape: [3, 32, 32], classes: 5)
        let report = try #require(try spec.loadWeights(into: model))
        #expect(report.left.unexpected == ["body.fc.bias", "body.fc.weight"])
        #expect(report.left.missing == model.stateDict().map(\.name).filter { $0.hasPrefix("head.") })
        #expect(report.loaded == model.stateDict().count - report.left.missing.count)
        let file = Dictionary(uniqueKeysWithValues: try StateDictFile.read(URL(fileURLWithPath: scratch.path("weights.pt"))).map { ($0.name, $0.tensor) })
        let conv = try #require(model.module(at: "body.layer4.2.conv2") as? Conv2d)
        #expect(try conv.weight.floats() == file["layer4.2.conv2.weight"]?.floats())
        #expect(!conv.weight.requiresGrad, "frozen after loading")
        #expect(report.description.contains("unexpected keys \"body.fc.bias\", \"body.fc.weight\""))
    }

    /// Views keep their storage offset and strides; every dtype reads back its values.
    @Test func viewsAndDtypesReadBackAsPyTorchWroteThem() throws {
        let dir = try TempFolder()
        let file = dir.path("layouts.pt")
        try TorchPython.script("weights_oracle.py", ["layouts", file])
        let read = try StateDictFile.read(URL(fileURLWithPath: file))
        #expect(read.map(\.name) == ["transposed", "whole", "slice", "scalar", "double", "long", "bool", "half"], "the file's order")
        let tensors = Dictionary(uniqueKeysWithValues: read.map { ($0.name, $0.tensor) })
        func check(_ name: String, _ shape: [Int], _ values: [Double]) throws {
            let tensor = try #require(tensors[name])
            #expect(tensor.shape == shape, "\(name)")
            #expect(try tensor.doubles() == values, "\(name)")
        }
        try check("transposed", [3, 2], [0, 3, 1, 4, 2, 5])
        try check("whole", [12], (0..<12).map(Double.init))
        try check("slice", [2, 3], [4, 5, 6, 7, 8, 9])
        try check("scalar", [], [7.5])
        try check("double", [3], [0, 1, 2])
        try check("long", [4], [-2, -1, 0, 1])
        try check("bool", [3], [1, 0, 1])
        try check("half", [3], [0, 1, 2])
        #expect(tensors["long"]?.dtype == .int64)
        #expect(tensors["double"]?.dtype == .float64)
    }

    /// Each bad file is a `SpecError` at `$.model.weights` naming the file and what is wrong.
    @Test func badFilesAreClearErrors() throws {
        let scratch = try TempFolder()
        try TorchPython.script("weights_oracle.py", ["sequential", Self.example, scratch.url.path])
        let good = scratch.path("weights.pt")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        try Data("not a model\n".utf8).write(to: URL(fileURLWithPath: scratch.path("text.pt")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: scratch.path("truncated.pt")))
        try Data().write(to: URL(fileURLWithPath: scratch.path("empty.pt")))
        try TorchPython.script("weights_oracle.py", ["legacy", good, scratch.path("legacy.pt")])
        try TorchPython.script("weights_oracle.py", ["non_tensor", scratch.path("epoch.pt")])
        // A key typo and a shape mismatch, written through hookd's own encoder.
        let model = try ModelFactory.make(try Self.exampleSpec([:]), inputShape: [1, 28, 28], classes: 10)
        let state = model.stateDict()
        try StateDictFile.write(state.map { ($0.name == "3.body.0.weight" ? "3.body.0.wieght" : $0.name, $0.tensor) }, to: URL(fileURLWithPath: scratch.path("typo.pt")))
        try StateDictFile.write(state.map { ($0.name, $0.name == "12.weight" ? try Tensor.zeros([9, 32]) : $0.tensor) }, to: URL(fileURLWithPath: scratch.path("shape.pt")))

        let cases: [(String, String)] = [
            ("missing.pt", "cannot open the file"),
            ("text.pt", "not a PyTorch file: torch.save writes a zip archive, this file does not start like one"),
            ("empty.pt", "the file is empty"),
            ("truncated.pt", "a damaged or truncated zip archive"),
            ("legacy.pt", "a legacy (pre-1.6) torch.save pickle; save it again with PyTorch 1.6 or later"),
            ("epoch.pt", "key \"epoch\" holds an int, not a tensor"),
            ("typo.pt", "missing key \"3.body.0.weight\"; unexpected key \"3.body.0.wieght\"; \"weights_strict\": false loads the keys that match"),
            ("shape.pt", "\"12.weight\" has shape [9, 32] but the model's is [10, 32]"),
        ]
        for (name, expected) in cases {
            let path = scratch.path(name)
            let spec = try Self.exampleSpec(["weights": .string(path)])
            let fresh = try ModelFactory.make(spec, inputShape: [1, 28, 28], classes: 10)
            let before = try fresh.stateDict().map { try $0.tensor.floats() }
            do {
                _ = try spec.loadWeights(into: fresh)
                Issue.record("\(name) loaded")
            } catch let error as SpecError {
                #expect(error.path == "$.model.weights")
                #expect(error.message.hasPrefix(path + ": "), "\(error.message)")
                #expect(error.message.contains(expected), "\(name): \(error.message)")
            }
            #expect(try fresh.stateDict().map { try $0.tensor.floats() } == before, "\(name): a failed load changes nothing")
        }
    }

    @Test func weightsKeysAreStrict() {
        let base = #"{"data": {"format": "synthetic"}, "model": {"arch": "mlp", "layers": [784, 10], "#
        #expect(throws: SpecError(path: "$.model.weights_prefix", message: "applies only with \"weights\"")) {
            try RunSpec.parse(Data((base + #""weights_prefix": "body."}}"#).utf8))
        }
        #expect(throws: SpecError(path: "$.model.weights_strict", message: "expected a boolean, got a string")) {
            try RunSpec.parse(Data((base + #""weights": "/w.pt", "weights_strict": "no"}}"#).utf8))
        }
        #expect(throws: SpecError(path: "$.model.weights", message: "must be a file path")) {
            try RunSpec.parse(Data((base + #""weights": ""}}"#).utf8))
        }
    }
}
