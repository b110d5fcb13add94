import Dispatch
import HookKit

/// Publishes a run's progress to `LiveState` as it trains: epoch, batch, loss, learning rate,
/// throughput, phase, and the time its statistics hooks took; each change also feeds the
/// watchdog (`noteProgress`).
///
/// A learner callback on the training queue; handlers read what it wrote under the lock.
final class LiveProgress: LearnerCallback {
    private let runID: Int64
    private let live: LiveState
    private let timer: HookTimer
    private var epochStart = DispatchTime.now()
    private var epochImages = 0

    init(runID: Int64, live: LiveState, timer: HookTimer) {
        self.runID = runID
        self.live = live
        self.timer = timer
    }

    func beginEpoch(_ learner: Learner) throws {
        epochStart = .now()
        epochImages = 0
        live.update { s in
            s.progress[runID]?.epoch = learner.position.epoch
            s.progress[runID]?.phase = "training"
        }
        live.noteProgress()
    }

    func endBatch(_ learner: Learner) throws {
        let p = learner.position
        let images = min(learner.data.train.options.batchSize, learner.data.train.data.count)
        epochImages += images
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart.uptimeNanoseconds) / 1e9
        let nanos = timer.take()
        live.update { s in
            s.progress[runID]?.epoch = p.epoch
            s.progress[runID]?.batch = p.batch + 1
            s.progress[runID]?.iteration = p.iteration + 1
            s.progress[runID]?.loss = learner.lastLoss
            s.progress[runID]?.learningRate = learner.optimizer.learningRate
            s.progress[runID]?.imagesPerSecond = seconds > 0 ? Double(epochImages) / seconds : nil
            s.batchesTotal += 1
            s.imagesTotal += Int64(images)
            s.hookSeconds += Double(nanos) / 1e9
            s.lastProgressNanos = DispatchTime.now().uptimeNanoseconds
        }
    }

    func beginValidate(_ learner: Learner) throws {
        live.update { $0.progress[runID]?.phase = "validating" }
        live.noteProgress()
    }

    func endEpoch(_ learner: Learner, metrics: EpochMetrics) throws {
        live.update { s in
            s.progress[runID]?.validLoss = metrics.validLoss
            s.progress[runID]?.accuracy = metrics.accuracy
            s.progress[runID]?.imagesPerSecond = metrics.imagesPerSecond
        }
        live.noteProgress()
    }
}
