import Datasets
import Foundation
import Testing
@testable import HookKit
@testable import Torch

/// The PyTorch oracle files of `Tests/TorchTests/Fixtures` (see INDEX.md there).
///
/// Package.swift bundles them as resources of TorchTests only, and HookKitTests may not change
/// it, so they are read from the source tree beside this file. A trimmed copy of TorchTests'
/// `Fixture` loader: named tensors, config, and the extra top-level keys.
struct OracleFixture {
    let name: String
    let config: [String: Any]
    let root: [String: Any]
    private let tensors: [String: (shape: [Int], dtype: String, values: [Double])]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TorchTests/Fixtures")

    init(_ name: String) throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent("\(name).json"))
        root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        self.name = name
        config = root["config"] as? [String: Any] ?? [:]
        var tensors: [String: (shape: [Int], dtype: String, values: [Double])] = [:]
        for (key, raw) in root["tensors"] as? [String: Any] ?? [:] {
            let t = try #require(raw as? [String: Any])
            let dtype = t["dtype"] as? String ?? "float32"
            var values = try #require((t["data"] as? [NSNumber])?.map(\.doubleValue))
            // Foundation's Linux JSON parser can be one double ulp off; float32 data are exact floats.
            if dtype == "float32" { values = values.map { Double(Float($0)) } }
            tensors[key] = (try #require(t["shape"] as? [Int]), dtype, values)
        }
        self.tensors = tensors
    }

    var keys: [String] { tensors.keys.sorted() }

    func doubles(_ key: String) throws -> [Double] { try #require(tensors[key], "\(name): no \(key)").values }

    func tensor(_ key: String, requiresGrad: Bool = false) throws -> Tensor {
        let t = try #require(tensors[key], "\(name): no \(key)")
        let tensor = t.dtype == "int64"
            ? try Tensor(int64: t.values.map { Int64($0) }, shape: t.shape)
            : try Tensor(t.values.map { Float($0) }, shape: t.shape)
        if requiresGrad { try tensor.requiresGrad(true) }
        return tensor
    }

    func shape(_ key: String) throws -> [Int] { try #require(tensors[key], "\(name): no \(key)").shape }
}

/// |got - want| <= atol + rtol·|want| element-wise, naming the first offenders.
func expectClose(_ got: [Double], _ want: [Double], _ label: String, rtol: Double = 1e-5, atol: Double = 1e-6,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard got.count == want.count else {
        Issue.record("\(label): \(got.count) values, expected \(want.count)", sourceLocation: sourceLocation)
        return
    }
    let bad = got.indices.filter { !(Swift.abs(got[$0] - want[$0]) <= atol + rtol * Swift.abs(want[$0])) }
    if !bad.isEmpty {
        let shown = bad.prefix(5).map { "[\($0)] got \(got[$0]) want \(want[$0])" }.joined(separator: ", ")
        Issue.record("\(label): \(bad.count) values off (rtol \(rtol), atol \(atol)): \(shown)", sourceLocation: sourceLocation)
    }
}

func expectClose(_ got: Tensor?, _ fixture: OracleFixture, _ key: String, rtol: Double = 1e-5, atol: Double = 1e-6,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard let got else {
        Issue.record("\(fixture.name).\(key): no tensor", sourceLocation: sourceLocation)
        return
    }
    #expect(got.shape == (try fixture.shape(key)), "\(fixture.name).\(key) shape", sourceLocation: sourceLocation)
    expectClose(try got.doubles(), try fixture.doubles(key), "\(fixture.name).\(key)", rtol: rtol, atol: atol,
                sourceLocation: sourceLocation)
}

/// A tiny synthetic data set: `train` images of 1×8×8 in `classes` classes, batches of `batchSize`.
func tinyBunch(train: Int = 64, valid: Int = 32, classes: Int = 4, batchSize: Int = 16, shape: [Int] = [1, 8, 8],
               seed: UInt64 = 7) throws -> DataBunch {
    let splits = try SyntheticData.splits(trainCount: train, validCount: valid, channels: shape[0], height: shape[1],
                                          width: shape[2], classes: classes, seed: seed)
    let trainLoader = try DataLoader(splits.train, options: .init(batchSize: batchSize, shuffle: true, seed: seed, prefetch: 0))
    let validLoader = try DataLoader(splits.valid, normalization: trainLoader.normalization,
                                     options: .init(batchSize: 64, shuffle: false, seed: 0, prefetch: 0))
    return DataBunch(train: trainLoader, valid: validLoader, classes: splits.classes)
}

/// A small model for the tiny data: simple_cnn [1, 8, classes] with batch norm.
func tinyModel(classes: Int = 4) throws -> Sequential {
    try simpleCNN(channels: [1, 8, classes], batchNorm: true)
}

/// Records every learner event in order, with the batch position for batch events.
final class EventRecorder: LearnerCallback {
    var events: [String] = []
    var trainedBatches: [TrainingPosition] = []
    var learningRates: [Double] = []
    var momenta: [Double] = []
    var stopAfterBatches: Int?
    var throwAtBatch: Int?
    var endFitCalls = 0

    struct Boom: Error {}

    func beginFit(_ learner: Learner) throws { events.append("beginFit") }
    func beginEpoch(_ learner: Learner) throws { events.append("beginEpoch") }
    func beginBatch(_ learner: Learner) throws {
        events.append("beginBatch")
        learningRates.append(learner.optimizer.learningRate)
        momenta.append(learner.optimizer.momentum)
    }
    func afterLoss(_ learner: Learner, loss: Tensor) throws { events.append("afterLoss") }
    func afterBackward(_ learner: Learner) throws { events.append("afterBackward") }
    func endBatch(_ learner: Learner) throws {
        events.append("endBatch")
        trainedBatches.append(learner.position)
        if let n = throwAtBatch, trainedBatches.count == n { throw Boom() }
        if let n = stopAfterBatches, trainedBatches.count == n { learner.stopSignal.request() }
    }
    func beginValidate(_ learner: Learner) throws { events.append("beginValidate") }
    func endEpoch(_ learner: Learner, metrics: EpochMetrics) throws { events.append("endEpoch") }
    func endFit(_ learner: Learner) throws {
        events.append("endFit")
        endFitCalls += 1
    }
}

/// Counts forward calls of a module through a plain module hook (independent of HookKit's `Hook`).
final class ForwardCounter {
    var count = 0
    private var handle: ModuleHookHandle?
    init(_ module: Module) {
        handle = module.registerForwardHook { [unowned self] _, _, _ in self.count += 1; return nil }
    }
    deinit { handle?.remove() }
}

/// A fresh temporary folder, removed on deinit.
final class TempFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-hookkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
