import Daemon
import Foundation
import HookKit
import StatsStore
import Testing
import Statistics

/// A run recorded into SQLite holds exactly what the in-memory ActivationStats of the same run saw.
@Suite("Recorded training")
struct RecordedTrainingTests {
    @Test func everyLayerAndBatchLandsInTheFileWithTheInMemoryValues() throws {
        let file = StatsFile()
        defer { file.remove() }
        let path = file.path
        let job = try TrainingJob(spec: try recordingSpec(epochs: 2, hooks: #"[{"modules": "all"}, {"modules": ["1.0"], "kind": "backward"}]"#))
        let writer = try StatsWriter(path: path)
        let runID = try writer.createRun(name: job.spec.name, spec: job.spec.json)
        let status = try RunLifecycle(writer: writer, runID: runID).run(job)
        try writer.close()
        #expect(status == .finished)

        let batches = 2 * job.data.train.batchCount          // 13 batches per epoch (200 / 16, last one short)
        let hooked = job.stats.entries.count                 // every leaf forward + one backward
        #expect(hooked == job.model.leafModules().count + 1)
        let reader = try StatsReader(path: path)
        #expect(try reader.run(runID).status == .finished)
        var total = 0
        for entry in job.stats.entries {
            let kind = entry.kind
            let series = try reader.stats(run: runID, layer: entry.path, kind: kind)
            let memory = job.stats.records(for: entry.path, kind: entry.kind)
            #expect(series.batch == (0..<Int64(batches)).map { $0 }, "\(entry.path) \(kind)")
            // The spec names no statistics: the defaults are stored, every other column stays NULL.
            let asked = job.stats.request(for: entry.id).scalars
            #expect(asked == Statistic.defaults)
            for statistic in Statistic.allCases {
                if asked.contains(statistic) {
                    #expect(series[statistic] == memory.map { $0.summary[statistic] }, "\(entry.path) \(statistic.name)")
                } else {
                    #expect(series[statistic].allSatisfy { $0.isNaN }, "\(entry.path) \(statistic.name) is NULL")
                }
            }
            total += series.count
        }
        #expect(total == hooked * batches)
        #expect(try reader.modules(run: runID).map(\.path) == job.summary.layers.map(\.path))
        #expect(try reader.hooks(run: runID).count == hooked)
        #expect(try reader.batchMetrics(run: runID).count == batches)
        let epochs = try reader.epochMetrics(run: runID)
        #expect(epochs.map(\.epoch) == [0, 1])
        #expect(epochs.map(\.accuracy) == job.learner.history.map(\.accuracy))
    }

    @Test func aFailingRunIsMarkedFailedWithItsError() throws {
        let file = StatsFile()
        defer { file.remove() }
        let path = file.path
        let job = try TrainingJob(spec: try recordingSpec(epochs: 1, hooks: "[]"))
        final class Explode: LearnerCallback {
            struct Boom: Error, CustomStringConvertible { var description: String { "boom at batch 2" } }
            func endBatch(_ learner: Learner) throws { if learner.position.batch == 2 { throw Boom() } }
        }
        job.learner.callbacks.append(Explode())
        let writer = try StatsWriter(path: path)
        let runID = try writer.createRun(name: "x", spec: "{}")
        #expect(throws: (any Error).self) { try RunLifecycle(writer: writer, runID: runID).run(job) }
        try writer.close()
        let run = try StatsReader(path: path).run(runID)
        #expect(run.status == .failed)
        #expect(run.error == "boom at batch 2")
    }
}
