import Foundation
import Testing
@testable import HookKit
@testable import Torch

@Suite("fastai acceptance: model inspection")
struct ModelInspectionTests {
    @Test func modelSizesOfConvLayers() throws {
        let model = Sequential(try ConvLayer(3, 16), try ConvLayer(16, 32, stride: 2), try ConvLayer(32, 32))
        #expect(try modelSizes(model, size: [64, 64]) == [[1, 16, 64, 64], [1, 32, 32, 32], [1, 32, 32, 32]])
        // No hooks are left behind: a forward afterwards runs no hook.
        #expect(model.children.allSatisfy { $0.module.hookTable.count == 0 })
    }

    @Test func numFeaturesOfTwoConvs() throws {
        let model = Sequential(try Conv2d(5, 4, kernelSize: 3), try Conv2d(4, 3, kernelSize: 3))
        #expect(try numFeaturesModel(model) == 3)
        #expect(try numFeaturesModel(Sequential(try Conv2d(5, 7, kernelSize: 3))) == 7)
    }

    @Test func totalParamsOfLayers() throws {
        #expect(totalParams(try Linear(10, 32)) == (352, true))
        #expect(totalParams(try Linear(10, 32, bias: false)) == (320, true))
        #expect(totalParams(try BatchNorm2d(20)) == (40, true))
        #expect(totalParams(try BatchNorm2d(20, affine: false)) == (0, false))
        #expect(totalParams(try Conv2d(16, 32, kernelSize: 3)) == (4640, true))
        #expect(totalParams(try Conv2d(16, 32, kernelSize: 3, bias: false)) == (4608, true))
        let frozen = try Linear(10, 32)
        try frozen.freeze()
        #expect(totalParams(frozen) == (352, false))
        let linear = try Linear(1, 1), plainNorm = try BatchNorm2d(3, affine: false)
        #expect(hasParams(linear))
        #expect(!hasParams(ReLU()))
        #expect(!hasParams(plainNorm))
    }

    @Test func summaryTotalOfSmallMLP() throws {
        let model = Sequential(try Linear(1, 50), ReLU(), try BatchNorm1d(50), try Linear(50, 1))
        let summary = try modelSummary(model, inputShape: [1])
        #expect(summary.totalParams == 251)
        #expect(summary.trainableParams == 251)
        #expect(summary.nonTrainableParams == 0)
        #expect(summary.layers.map(\.type) == ["Linear", "ReLU", "BatchNorm1d", "Linear"])
        #expect(summary.layers.map(\.outputShape) == [[50], [50], [50], [1]])
        #expect(summary.layers.map(\.params) == [100, 0, 100, 51])
        #expect(summary.layers.map(\.trainable) == [true, false, true, true])
        #expect(summary.inputShape == [1])
    }

    @Test func tiedEmbeddingCountsOnce() throws {
        let embedding = try Embedding(1000, 64)
        let decoder = try Linear(64, 1000, bias: false)
        decoder.weight = embedding.weight
        let model = Sequential(embedding, decoder)
        let input = try Tensor(int64: [1, 5, 999, 0], shape: [1, 4])
        let summary = try modelSummary(model, input: input)
        #expect(summary.totalParams == 64_000)
        #expect(summary.trainableParams == 64_000)
        #expect(summary.layers.map(\.outputShape) == [[4, 64], [4, 1000]])
        // Each row still shows its own (shared) weight, as fastai's per-layer column does.
        #expect(summary.layers.map(\.params) == [64_000, 64_000])
        #expect(summary.text().contains("Total params: 64,000\n"))
    }

    /// fastai's lesson: resnet34 with a frozen body and a 37-class head at 3×352×352.
    @Test func resnet34FrozenSummary() throws {
        let model = try CNNModel(arch: .resnet34, classes: 37)
        try model.freezeBody()
        let summary = try modelSummary(model, inputShape: [3, 352, 352])
        func row(_ r: ModelSummary.Layer) -> String {
            "\(r.type) \(r.outputShape) \(r.params) \(r.trainable ? "True" : "False")"
        }
        let rows = summary.layers.map(row)
        #expect(Array(rows.prefix(4)) == ["Conv2d [64, 176, 176] 9408 False", "BatchNorm2d [64, 176, 176] 128 True",
                                          "ReLU [64, 176, 176] 0 False", "MaxPool2d [64, 88, 88] 0 False"])
        #expect(rows[4] == "Conv2d [64, 88, 88] 36864 False")
        #expect(rows.last == "Linear [37] 18981 True")
        // The head: concat pool (avg then max, fastai's registration order), flatten, BN/dropout/linear blocks.
        let head = summary.layers.filter { $0.path.hasPrefix("head.") }
        #expect(head.map(\.type) == ["AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Flatten", "BatchNorm1d", "Dropout",
                                     "Linear", "ReLU", "BatchNorm1d", "Dropout", "Linear"])
        #expect(head.map(\.outputShape) == [[512, 1, 1], [512, 1, 1], [1024], [1024], [1024], [512], [512], [512], [512], [37]])
        #expect(summary.layers.map(\.index) == Array(0..<summary.layers.count))
        #expect(summary.layers.first?.path == "body.conv1")
        // Totals: resnet34 body 21,284,672 + head; trainable = head + every body BatchNorm.
        let all = model.parameters().reduce(0) { $0 + $1.count }
        #expect(summary.totalParams == all)
        let bodyBN = model.body.namedModules().compactMap { $0.module as? BatchNorm }.reduce(0) { $0 + totalParams($1).count }
        let head0 = totalParams(model.head).count
        #expect(summary.trainableParams == bodyBN + head0)
        #expect(summary.nonTrainableParams == summary.totalParams - summary.trainableParams)
        #expect(summary.totalParams == 21_284_672 + head0)

        // fastai's text layout.
        let text = summary.text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1].allSatisfy { $0 == "=" } && lines[1].count >= 60)
        #expect(lines[2].hasPrefix("Layer (type)"))
        for column in ["Output Shape", "Param #", "Trainable"] { #expect(lines[2].contains(column)) }
        #expect(lines[3] == lines[1])
        #expect(lines[4].hasPrefix("Conv2d") && lines[4].contains("[64, 176, 176]") && lines[4].contains("9,408")
                && lines[4].contains("False"))
        #expect(lines[5].allSatisfy { $0 == "_" } && !lines[5].isEmpty)
        #expect(text.contains("Linear               [37]                 18,981     True"))
        func grouped(_ n: Int) -> String {
            let f = NumberFormatter()
            f.numberStyle = .decimal
            f.groupingSeparator = ","
            f.usesGroupingSeparator = true
            return f.string(from: NSNumber(value: n))!
        }
        #expect(text.hasSuffix("""
            Total params: \(grouped(summary.totalParams))
            Total trainable params: \(grouped(summary.trainableParams))
            Total non-trainable params: \(grouped(summary.nonTrainableParams))

            """))

        // The JSON of SPEC §5.
        let json = try #require(try JSONSerialization.jsonObject(with: summary.json()) as? [String: Any])
        #expect(Set(json.keys) == ["model", "input_shape", "layers", "total_params", "trainable_params", "non_trainable_params"])
        #expect(json["input_shape"] as? [Int] == [3, 352, 352])
        #expect(json["total_params"] as? Int == summary.totalParams)
        #expect(json["trainable_params"] as? Int == summary.trainableParams)
        #expect(json["non_trainable_params"] as? Int == summary.nonTrainableParams)
        let layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.count == summary.layers.count)
        #expect(Set(layers[0].keys) == ["index", "path", "type", "output_shape", "params", "trainable"])
        #expect(layers[0]["path"] as? String == "body.conv1")
        #expect(layers[0]["output_shape"] as? [Int] == [64, 176, 176])
        #expect(layers[0]["params"] as? Int == 9408)
        #expect(layers[0]["trainable"] as? Bool == false)
        #expect(layers.last?["params"] as? Int == 18_981)
        #expect(try JSONDecoder().decode(ModelSummary.self, from: summary.json()) == summary)
    }

    @Test func dummyEvalRestoresEveryModuleMode() throws {
        let bn = try BatchNorm2d(4)
        let inner = Sequential(try Conv2d(4, 4, kernelSize: 1), bn)
        let model = Sequential(try Conv2d(3, 4, kernelSize: 3), inner, try Dropout(0.5))
        model.train()
        inner.eval()
        (model[0]).train(true)
        model[2].eval()
        let before = model.namedModules().map { "\($0.path)=\($0.module.isTraining)" }
        #expect(before.contains("1.1=false") && before.contains("0=true") && before.contains("=true"))
        var modeDuringForward: Bool?
        let probe = bn.registerForwardHook { module, _, _ in modeDuringForward = module.isTraining; return nil }
        defer { probe.remove() }
        let out = try dummyEval(model, size: [8, 8])
        #expect(out.shape == [1, 4, 6, 6])
        #expect(modeDuringForward == false)
        #expect(!out.requiresGrad)
        #expect(model.namedModules().map { "\($0.path)=\($0.module.isTraining)" } == before)
        // Running stats untouched by the eval-mode pass.
        #expect(try bn.batchesTracked == 0)
    }
}
