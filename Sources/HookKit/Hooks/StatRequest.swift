import Statistics
import Torch

/// What one hook computes on each recorded batch: its scalar statistics and, optionally, a
/// histogram, all in the same fused pass. Statistics not asked for cost nothing.
public struct StatRequest: Sendable, Equatable {
    public var scalars: StatSet
    public var histogram: HistogramBins?

    /// Creates a request.
    public init(scalars: StatSet, histogram: HistogramBins? = nil) {
        self.scalars = scalars
        self.histogram = histogram
    }
}
