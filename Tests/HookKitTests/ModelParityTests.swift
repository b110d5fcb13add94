import Foundation
import Testing
@testable import HookKit
@testable import Torch
import Statistics

@Suite("Parity: HookKit models vs fastai/torchvision")
struct ModelParityTests {
    /// fastai's `SimpleCNN([1,16,32,64,10], bn=True)` on the fixture batch: parameters loaded by
    /// state-dict name, training-mode forward, cross-entropy, backward, buffers after, and the
    /// `ActivationStats` triples of every parameterised leaf.
    @Test func simpleCNNForwardBackwardBuffersAndStats() throws {
        let f = try OracleFixture("simple_cnn")
        let model = try simpleCNN(channels: [1, 16, 32, 64, 10], batchNorm: true)
        let modules = try #require(f.config["modules"] as? [[String]])
        // Every leaf fastai has is here, at the same path, of the same type.
        let ours = Dictionary(uniqueKeysWithValues: model.namedModules().map { ($0.path, $0.module.typeName) })
        for pair in modules where !["Sequential"].contains(pair[1]) {
            #expect(ours[pair[0]] == pair[1], "module \(pair[0])")
        }
        #expect(model.leafModules().map(\.path) == modules.filter { $0[1] != "Sequential" }.map { $0[0] })

        // State dict: fastai's names, shapes and order, `num_batches_tracked` included.
        let kept = try #require(f.config["state_dict"] as? [[Any]])
        #expect(model.stateDict().map(\.name) == kept.map { $0[0] as! String })
        #expect(model.stateDict().map(\.tensor.shape) == kept.map { $0[1] as! [Int] })
        #expect(totalParams(model).count == f.config["params_bn"] as! Int)

        var state: [String: Tensor] = [:]
        for key in f.keys where key.hasPrefix("param:") {
            state[String(key.dropFirst(6))] = try f.tensor(key)
        }
        try model.loadStateDict(state)
        model.train()

        // The stats hook is ActivationStats' own, run through `Hooks` on fastai's module list.
        let statsPaths = try #require(f.config["stats_modules"] as? [String])
        #expect(model.leafModules().filter { hasParams($0.module) }.map(\.path) == statsPaths)
        let statsModules = try statsPaths.map { try #require(model.module(at: $0)) }
        let activationStats = ActivationStats(histogram: true)
        let hooks = Hooks(statsModules) { module, input, output in
            try activationStats.summary(of: output)
        }
        defer { hooks.remove() }

        let x = try f.tensor("x", requiresGrad: true)
        let out = try model(x)
        try expectClose(out, f, "out")
        let loss = try Functional.crossEntropy(out, target: f.tensor("targets"))
        try expectClose(loss, f, "loss")
        try loss.backward()
        try expectClose(x.grad, f, "grad_x")
        let params = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.path, $0.tensor) })
        let gradKeys = f.keys.filter { $0.hasPrefix("grad:") }
        // 11 parameters (INDEX.md says 10, but 3.0 has weight and bias): every one has a `grad:` key.
        #expect(gradKeys.count == 11)
        #expect(Set(gradKeys.map { String($0.dropFirst(5)) }) == Set(params.keys))
        for key in gradKeys { try expectClose(params[String(key.dropFirst(5))]?.grad, f, key) }
        let buffers = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor) })
        for key in f.keys where key.hasPrefix("buffer_after:") {
            let name = String(key.dropFirst(13))
            if name.hasSuffix(".num_batches_tracked") {
                let norm = try #require(model.module(at: String(name.dropLast(20))) as? BatchNorm)
                #expect(Double(try norm.batchesTracked) == (try f.doubles(key)[0]), "\(key)")
            } else {
                try expectClose(buffers[name], f, key)
            }
        }

        // fastai computes mean/std in float32 torch reductions, hookd in one double pass:
        // 1e-5 relative covers float32 rounding.
        for (path, summary) in zip(statsPaths, hooks.stored) {
            let s = try #require(summary, "no stats stored for \(path)")
            let want = try f.doubles("stats:\(path)")
            expectClose([s[.mean], s[.std]], Array(want[0...1]), "stats:\(path) mean/std", rtol: 1e-5, atol: 1e-6)
            // A count ratio: one element is >= 1/12544 here, so 1e-12 only absorbs Foundation's
            // JSON parser, which reads some doubles one ulp off on Linux.
            #expect(Swift.abs(s[.nearZero] - want[2]) < 1e-12, "stats:\(path) near_zero \(s[.nearZero]) vs \(want[2])")
            expectClose([s[.absMean]], [want[3]], "stats:\(path) abs_mean", rtol: 1e-5, atol: 1e-7)
            // Counts, not sums: the fused pass must bin every value exactly as torch.histc does.
            #expect(s.histogram == (try f.doubles("histc:\(path)")).map { Int64($0) }, "histc:\(path)")
        }
    }

    @Test func simpleCNNParameterCounts() throws {
        let f = try OracleFixture("simple_cnn")
        let withBN = try simpleCNN(channels: [1, 16, 32, 64, 10], batchNorm: true)
        let withoutBN = try simpleCNN(channels: [1, 16, 32, 64, 10], batchNorm: false)
        #expect(totalParams(withBN).count == 29_178)
        #expect(totalParams(withoutBN).count == 29_066)
        #expect(f.config["params_bn"] as? Int == 29_178)
        #expect(f.config["params_nobn"] as? Int == 29_066)
        // fastai: the last ConvLayer has no BN, so its conv has a bias, and it still ends in ReLU.
        #expect((withBN.module(at: "2.0") as? Conv2d)?.bias == nil)
        #expect((withoutBN.module(at: "2.0") as? Conv2d)?.bias != nil)
        #expect((withBN.module(at: "3.0") as? Conv2d)?.bias != nil)
        #expect(withBN.module(at: "3.1")?.typeName == "ReLU")
        #expect((withBN.module(at: "0.0") as? Conv2d)?.bias == nil)
    }

    /// torchvision's state-dict names and shapes, in order, `num_batches_tracked` buffers included.
    @Test(arguments: [("resnet18", 11_689_512), ("resnet34", 21_797_672)])
    func resnetStateDictMatchesTorchvision(_ arch: String, _ count: Int) throws {
        let f = try OracleFixture("\(arch)_keys")
        let keys = try #require(f.root["keys"] as? [[String: Any]])
        #expect(keys.count == f.config["state_dict_entries"] as! Int)
        let expected = keys
        let model = arch == "resnet18" ? try HookKit.resnet18() : try HookKit.resnet34()
        let ours = model.stateDict()
        #expect(ours.map(\.name) == expected.map { $0["name"] as! String })
        #expect(ours.map(\.tensor.shape) == expected.map { $0["shape"] as! [Int] })
        // Parameters vs buffers as torchvision classifies them.
        let parameterNames = Set(model.namedParameters().map(\.path))
        for key in expected {
            #expect(parameterNames.contains(key["name"] as! String) == (key["kind"] as! String == "parameter"), "\(key["name"]!)")
        }
        #expect(totalParams(model).count == count)
        #expect(f.config["total_params"] as? Int == count)
    }
}
