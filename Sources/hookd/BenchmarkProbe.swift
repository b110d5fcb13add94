import Dispatch
import Foundation
import HookKit

/// Measures training throughput for `bench/`: step times, optional batch limit, and an
/// in-process A/B of one feature (the stats hooks, the SQLite recorder, the health rules, the
/// ranks' agreement carried on the gradients).
///
/// Separate processes swing 20–50% on these machines (PERF-NOTES item 8), so a feature's
/// overhead is measured inside one process: `toggle` switches it on and off every `abPeriod`
/// batches and the median step time of each half is compared. A step runs from one batch's
/// start to the next one's, so what follows `endBatch` (the ranks' agreement) counts too.
final class BenchmarkProbe: LearnerCallback {
    private let maxBatches: Int?
    private let abPeriod: Int?
    var toggle: ((Bool) -> Void)?
    private var featureOn = true
    private var batchStart = DispatchTime.now()
    /// The epoch of the batch that started at `batchStart`, while one is measured.
    private var batchEpoch: Int?
    private var first: DispatchTime?
    private var last = DispatchTime.now()
    private var images = 0
    private var batches = 0
    private var onTimes: [Double] = []
    private var offTimes: [Double] = []

    init(maxBatches: Int?, abPeriod: Int?, toggle: ((Bool) -> Void)?) {
        self.maxBatches = maxBatches
        self.abPeriod = abPeriod
        self.toggle = toggle
    }

    /// A planned end rather than a stop request: every rank of a data-parallel run knows it a
    /// batch ahead, so they all train exactly `maxBatches`.
    func beginFit(_ learner: Learner) throws {
        if let maxBatches { learner.stopAtIteration = learner.position.iteration + max(maxBatches - batches, 1) }
    }

    func beginBatch(_ learner: Learner) throws {
        guard learner.isTraining else { return }
        let now = DispatchTime.now()
        // The last batch's step, unless validation ran since (a new epoch). The first A/B period
        // warms up caches and allocators: leave it out of both halves.
        if let abPeriod, batchEpoch == learner.position.epoch, batches > 2 * abPeriod {
            let ms = Double(now.uptimeNanoseconds - batchStart.uptimeNanoseconds) / 1e6
            if featureOn { onTimes.append(ms) } else { offTimes.append(ms) }
        }
        if let abPeriod, let toggle {
            featureOn = (batches / abPeriod) % 2 == 0
            toggle(featureOn)
        }
        batchStart = now
        batchEpoch = learner.position.epoch
        if first == nil { first = batchStart }
    }

    func endBatch(_ learner: Learner) throws {
        last = .now()
        images += learner.data.train.options.batchSize
        batches += 1
    }

    /// One JSON line in the peers' format (`bench/peer_torch.py`).
    func report(name: String, batchSize: Int, threads: Int, history: [EpochMetrics]) -> String {
        let seconds = first.map { Double(last.uptimeNanoseconds - $0.uptimeNanoseconds) / 1e9 } ?? 0
        var line: [String: Any] = [
            "peer": name, "batch_size": batchSize, "threads": threads, "images": images, "batches": batches,
            "seconds": seconds, "img_per_s": seconds > 0 ? Double(images) / seconds : 0,
        ]
        if let m = history.last { line["valid_loss"] = m.validLoss; line["valid_acc"] = m.accuracy }
        if !onTimes.isEmpty, !offTimes.isEmpty {
            let on = Self.median(onTimes), off = Self.median(offTimes)
            line["on_step_ms"] = on
            line["off_step_ms"] = off
            line["overhead"] = on / off - 1
        }
        let data = (try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
