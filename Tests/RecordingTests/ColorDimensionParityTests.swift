import Daemon
import Datasets
import Foundation
import HookKit
import Rendering
import StatsStore
import Testing
import Torch

/// The colorful dimension a plot draws equals `log1p` of PyTorch's `torch.histc(x, 40, 0, 10)`
/// of each layer's output, through the whole recording path: hooks, `StatsRecorder`, the
/// writer, SQLite, the reader and `ColorDimension.read` (what `LayerPlot` calls).
@Suite("Colorful dimension vs torch.histc")
struct ColorDimensionParityTests {
    /// A module that ignores its input and runs `model` on the fixture batch: the data loader
    /// feeds 8-bit images, the fixture's input is float noise.
    final class FixedInput: Module {
        let model: Module
        let input: Tensor
        init(_ model: Module, input: Tensor) {
            self.model = model
            self.input = input
            super.init()
            register("model", model)
        }
        override func forward(_ ignored: Tensor) throws -> Tensor { try model(input) }
    }

    @Test func recordedHistogramsAreHistcOfTheFixtureForwardPass() throws {
        let fixture = try TorchFixture("simple_cnn")
        let paths = try #require(fixture.config["stats_modules"] as? [String])
        // The run's model is fastai's SimpleCNN([1,16,32,64,10], bn=True) with the fixture's weights.
        let job = try TrainingJob(spec: RunSpec.parse(Data("""
            {"name": "histc-parity", "model": {"arch": "simple_cnn", "channels": [1, 16, 32, 64, 10], "batch_norm": true},
             "data": {"format": "synthetic", "shape": [1, 28, 28], "classes": 10, "train_count": 4, "valid_count": 4},
             "train": {"epochs": 1, "batch_size": 4, "threads": 1}, "hooks": []}
            """.utf8)))
        var state: [String: Tensor] = [:]
        for key in fixture.keys where key.hasPrefix("param:") {
            state[String(key.dropFirst(6))] = try fixture.tensor(key)
        }
        try job.model.loadStateDict(state)
        for path in paths { try job.attach(path: path, kind: .forward, stats: [.histogram], every: 1) }

        let file = StatsFile()
        defer { file.remove() }
        let writer = try StatsWriter(path: file.path)
        let run = try writer.createRun(name: job.spec.name, spec: job.spec.json)
        let recorder = StatsRecorder(writer: writer, runID: run, job: job)
        try recorder.recordModules()
        try recorder.recordHooksAtStart()
        // One training batch of the fixture input in training mode (batch norm on batch
        // statistics, as the fixture's forward), lr 0; the job's hooks and sinks record it.
        let data = job.data
        let learner = Learner(model: FixedInput(job.model, input: try fixture.tensor("x")),
                              data: DataBunch(train: try DataLoader(data.train.data, options: .init(batchSize: 4, shuffle: false, prefetch: 0)),
                                              valid: data.valid, classes: data.classes),
                              optimizer: try SGD(job.model.parameters(), learningRate: 0))
        learner.callbacks = [job.stats]
        try learner.fit(epochs: 1)
        try writer.close()

        let reader = try StatsReader(path: file.path)
        #expect(paths.count == 7)  // the convolutions and batch norms
        for path in paths {
            let histc = try fixture.doubles("histc:\(path)")
            #expect(histc.count == 40)
            #expect(try reader.histograms(run: run, layer: path).map(\.counts) == [histc.map { Int64($0) }], "stored counts of \(path)")
            let matrix = try ColorDimension.read(from: reader, run: run, layer: path)
            #expect(matrix.batches == [0] && matrix.lo == 0 && matrix.hi == 10)
            #expect(matrix.columns == [histc.map(log1p)], "log1p(histc) of \(path)")
            #expect(matrix.maximum == histc.map(log1p).max())
        }
    }
}
