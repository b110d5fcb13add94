import Foundation
import Testing
@testable import HookKit
@testable import Torch
import Statistics

/// Independent reference: plain forward hooks computing torch reductions in float64 on every
/// training forward (mean, unbiased std, share of values <= 0.05).
final class ReferenceStats: LearnerCallback {
    struct Triple { var mean, std, nearZero: Double }
    private(set) var perPath: [String: [Int: Triple]] = [:]
    private var handles: [ModuleHookHandle] = []
    private var iteration: Int?

    init(_ modules: [(String, Module)]) {
        for (path, module) in modules {
            handles.append(module.registerForwardHook { [unowned self] _, _, output in
                guard let iteration = self.iteration else { return nil }
                let o = try output.detached().to(.float64)
                self.perPath[path, default: [:]][iteration] = Triple(
                    mean: try o.mean().item(), std: try o.std().item(), nearZero: try o.le(0.05).to(.float64).mean().item())
                return nil
            })
        }
    }

    func beginBatch(_ learner: Learner) throws { iteration = learner.isTraining ? learner.position.iteration : nil }
    func endBatch(_ learner: Learner) throws { iteration = nil }
    func endFit(_ learner: Learner) throws { handles.forEach { $0.remove() } }
}

/// `x * 1 + offset`: a module whose output is as big as its input, with a large offset.
final class AddOffset: Module {
    let offset: Double
    init(_ offset: Double) {
        self.offset = offset
        super.init()
    }
    override func forward(_ input: Tensor) throws -> Tensor { try input * 1 + offset }
}

@Suite("fastai acceptance: ActivationStats")
struct ActivationStatsTests {
    @Test(arguments: [1, 3, 8])
    func keepsOneRecordEveryKBatchesMatchingTorch(_ every: Int) throws {
        Torch.manualSeed(1)
        let data = try tinyBunch(train: 64, batchSize: 16)  // 4 batches per epoch
        let model = try tinyModel()
        let learner = Learner(model: model, data: data, optimizer: try Adam(model.parameters(), learningRate: 1e-2))
        let stats = ActivationStats(every: every)
        let paramPaths = model.leafModules().filter { hasParams($0.module) }
        let reference = ReferenceStats(paramPaths)
        learner.callbacks = [stats, reference]
        try learner.fit(epochs: 2)
        let batches = 8
        let expectedBatches = Array(stride(from: 0, to: batches, by: every))
        #expect(expectedBatches.count == (batches + every - 1) / every)
        #expect(paramPaths.map(\.0) == ["0.0", "0.1", "1.0"])
        for (path, _) in paramPaths {
            let records = stats.records(for: path)
            #expect(records.count == expectedBatches.count, "\(path)")
            #expect(records.map(\.batch) == expectedBatches, "\(path)")
            #expect(records.map(\.epoch) == expectedBatches.map { $0 / 4 }, "\(path)")
            for record in records {
                let want = try #require(reference.perPath[path]?[record.batch])
                let s = record.summary
                expectClose([s[.mean], s[.std], s[.nearZero]], [want.mean, want.std, want.nearZero],
                            "\(path) batch \(record.batch)", rtol: 1e-5, atol: 1e-7)
            }
        }
        // Hooks go at the end of the fit (removeAtEnd defaults to true).
        #expect(stats.entries.isEmpty)
        #expect(model.leafModules().allSatisfy { $0.module.hookTable.count == 0 })

        let tensor = try stats.statsTensor(paths: paramPaths.map(\.0))
        #expect(tensor.shape == [2, 3, expectedBatches.count])
        let values = try tensor.floats()
        let lastPathStd = stats.records(for: "1.0").map { Float($0.summary[.std]) }
        #expect(Array(values.suffix(expectedBatches.count)) == lastPathStd)
        #expect(values[0] == Float(stats.records(for: "0.0")[0].summary[.mean]))
    }

    /// One pass in double stays accurate on 10^7 values with a large offset (a float32
    /// sum-of-squares variance would lose every digit of the std here).
    @Test(arguments: [1000.0, -1000.0])
    func largeActivationsWithLargeOffsets(_ offset: Double) throws {
        Torch.manualSeed(3)
        let module = AddOffset(offset)
        let stats = ActivationStats()
        var reference: (mean: Double, std: Double, nearZero: Double)?
        let probe = module.registerForwardHook { _, _, output in
            let o = try output.to(.float64)
            reference = (try o.mean().item(), try o.std().item(), try o.le(0.05).to(.float64).mean().item())
            return nil
        }
        defer { probe.remove() }
        let summaries = Hooks([module]) { _, _, o in try stats.summary(of: o) }
        defer { summaries.remove() }
        let x = try Tensor.randn([10, 1000, 1000])
        _ = try module(x)
        let s = try #require(summaries.stored[0])
        let want = try #require(reference)
        #expect(s.count == 10_000_000)
        expectClose([s[.mean], s[.std], s[.nearZero]], [want.mean, want.std, want.nearZero], "offset \(offset)", rtol: 1e-5, atol: 1e-7)
        #expect(Swift.abs(s[.std] - 1) < 1e-3)
        #expect(s[.nearZero] == (offset < 0 ? 1 : 0))
    }

    @Test func statsTensorIsTwoByModulesByBatches() throws {
        let data = try tinyBunch(train: 48, batchSize: 16)  // 3 batches
        let model = try tinyModel()
        let learner = Learner(model: model, data: data, optimizer: try SGD(model.parameters(), learningRate: 0.01))
        let stats = ActivationStats(modules: [try #require(model.module(at: "0.0")), try #require(model.module(at: "1.0"))])
        learner.callbacks = [stats]
        try learner.fit(epochs: 1)
        let t = try stats.statsTensor(paths: ["0.0", "1.0"])
        #expect(t.shape == [2, 2, 3])
        let v = try t.floats()
        let means = stats.records(for: "1.0").map { Float($0.summary[.mean]) }
        #expect(Array(v[3..<6]) == means)
        #expect(stats.records.count == 6)
    }
}
