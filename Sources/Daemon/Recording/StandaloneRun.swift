import HookKit

/// `hookd train --db`'s part in `RunLifecycle`: nothing beyond the shared steps, except a look
/// at the recorder before training (benchmarks switch recording on and off through it).
public struct StandaloneRun: RunParticipant {
    private let onRecorder: (StatsRecorder) -> Void

    /// - Parameter onRecorder: sees the recorder once the job is built.
    public init(onRecorder: @escaping (StatsRecorder) -> Void = { _ in }) {
        self.onRecorder = onRecorder
    }

    public func prepare(_ job: TrainingJob, recorder: StatsRecorder) throws -> TrainingPosition {
        onRecorder(recorder)
        return TrainingPosition()
    }
}
