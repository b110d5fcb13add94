import HookKit
import StatsStore
import Testing

@testable import Daemon

/// Cancel vs shutdown, without a run: what a stopped run becomes and when it checkpoints.
@Suite struct RunControlTests {
    private let position = TrainingPosition(epoch: 0, batch: 7, iteration: 7)

    /// The status for `reason` and the positions `checkpoint` was asked to save.
    private func stopped(_ reason: StopReason?, trained: Bool) -> (RunStatus, [TrainingPosition]) {
        let control = RunControl(runID: 1)
        if let reason { control.requestStop(reason) }
        var saved: [TrainingPosition] = []
        let status = control.stoppedStatus(at: position, trained: trained) { saved.append($0) }
        return (status, saved)
    }

    @Test func aCancelEndsTheRunWithoutACheckpoint() {
        #expect(stopped(.cancel, trained: true) == (.cancelled, []))
        #expect(stopped(.cancel, trained: false) == (.cancelled, []))
    }

    @Test func aShutdownCheckpointsWhereTheRunStoppedSoItResumesThere() {
        #expect(stopped(.shutdown, trained: true) == (.interrupted, [position]))
        // Stopped while its job was built: the previous checkpoint (if any) is still the right one.
        #expect(stopped(.shutdown, trained: false) == (.interrupted, []))
        #expect(stopped(nil, trained: true) == (.interrupted, [position]))
    }

    @Test func theFirstReasonWinsAndALateLearnerStillStops() {
        let control = RunControl(runID: 1)
        control.requestStop(.cancel)
        control.requestStop(.shutdown)
        let signal = StopSignal()
        control.connect(signal)
        #expect(control.reason == .cancel && signal.isRequested)
    }
}
