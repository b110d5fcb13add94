import Foundation
import Torch

/// Shows training progress: a redrawn bar on a terminal, one log line per epoch otherwise.
public final class ProgressReporter: LearnerCallback {
    private let output: FileHandle
    private let isTerminal: Bool
    private var lastDraw = DispatchTime.now()
    private var epochStart = DispatchTime.now()
    private var images = 0

    public init(output: FileHandle = .standardError, forceTerminal: Bool? = nil) {
        self.output = output
        self.isTerminal = forceTerminal ?? (isatty(output.fileDescriptor) == 1)
    }

    public func beginEpoch(_ learner: Learner) throws {
        epochStart = .now()
        images = 0
    }

    public func endBatch(_ learner: Learner) throws {
        images += learner.data.train.options.batchSize
        guard isTerminal else { return }
        let now = DispatchTime.now()
        guard now.uptimeNanoseconds - lastDraw.uptimeNanoseconds > 200_000_000 else { return }
        lastDraw = now
        let total = learner.data.train.batchCount
        let done = learner.position.batch + 1
        let width = 30
        let filled = total > 0 ? width * done / total : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = Double(images) / max(1e-9, Double(now.uptimeNanoseconds - epochStart.uptimeNanoseconds) / 1e9)
        write(String(format: "\repoch %d/%d [%@] %d/%d loss %.4f %.0f img/s ", learner.position.epoch + 1,
                     learner.epochCount, bar, done, total, learner.lastLoss, rate))
    }

    public func endEpoch(_ learner: Learner, metrics: EpochMetrics) throws {
        if isTerminal { write("\r" + String(repeating: " ", count: 100) + "\r") }
        write(Self.line(metrics, of: learner.epochCount) + "\n")
    }

    /// The per-epoch log line, e.g. `epoch 1/1 train_loss 0.4210 valid_loss 0.3902 accuracy 0.8601 …`.
    public static func line(_ m: EpochMetrics, of epochs: Int) -> String {
        String(format: "epoch %d/%d train_loss %.4f valid_loss %.4f accuracy %.4f time %.1fs %.0f img/s",
               m.epoch + 1, epochs, m.trainLoss, m.validLoss ?? .nan, m.accuracy ?? .nan, m.seconds, m.imagesPerSecond)
    }

    private func write(_ text: String) { output.write(Data(text.utf8)) }
}
