import Foundation
import StatsStore

/// What HTTP handlers may read about the live run: copied out of `LiveState` under its lock.
public struct LiveSnapshot: Sendable {
    /// The run the training queue is working on, if any.
    public var activeRunID: Int64?
    /// Progress of every run this process has started.
    public var progress: [Int64: RunProgress] = [:]
    /// Every module path (leaves and containers) of the active run's model, once built.
    public var modulePaths: Set<String>?
    /// Hooks attached to the active run, by hooks-table id.
    public var openHooks: [Int64: OpenHook] = [:]
    /// Last recorded statistics per layer and kind of the active (or last) run.
    public var latest: [String: LatestStat] = [:]
    /// The run `latest` belongs to.
    public var latestRunID: Int64?
    /// Training batches and images done by this process.
    public var batchesTotal: Int64 = 0
    public var imagesTotal: Int64 = 0
    /// Seconds spent inside forward statistics hooks.
    public var hookSeconds = 0.0
    /// Runs this process ended, by final status.
    public var runsEnded: [String: Int64] = [:]
    /// Uptime (ns) of the training queue's last sign of life (batch, epoch, phase change).
    public var lastProgressNanos = DispatchTime.now().uptimeNanoseconds
}
