import Statistics
import Torch

/// What one hook computes on each recorded batch: its scalar statistics and, optionally, a
/// histogram and which channels fired, all in the same fused pass. What is not asked for costs
/// nothing.
public struct StatRequest: Sendable, Equatable {
    public var scalars: StatSet
    public var histogram: HistogramBins?
    /// Report which channels have an element > 0 (`ActivationSummary.activeChannels`): asked by
    /// the run's health watch for layers that `dead_units` judges, never stored.
    public var activeChannels: Bool

    /// Creates a request.
    public init(scalars: StatSet, histogram: HistogramBins? = nil, activeChannels: Bool = false) {
        self.scalars = scalars
        self.histogram = histogram
        self.activeChannels = activeChannels
    }
}
