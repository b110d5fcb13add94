import CTorch

/// The statistics of one tensor computed by the fused one-pass kernel.
public struct ActivationSummary: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    /// Unbiased (n - 1) standard deviation.
    public var std: Double
    /// Share of elements <= the near-zero threshold.
    public var nearZero: Double
    public var min: Double
    public var max: Double
    /// Counts per bin when a histogram was asked for, else empty.
    public var histogram: [Int64]
}

/// How the fused kernel bins a histogram (torch.histc's rules: outside values are ignored).
public struct HistogramBins: Sendable, Equatable {
    public var count: Int
    public var low: Double
    public var high: Double
    public init(count: Int, low: Double, high: Double) {
        self.count = count
        self.low = low
        self.high = high
    }
    /// fastai's ActivationStats histogram: 40 bins over [0, 10].
    public static let fastai = HistogramBins(count: 40, low: 0, high: 10)
}

extension Tensor {
    /// Mean, unbiased std, near-zero share, min, max (and a histogram) in one parallel pass.
    public func activationSummary(nearZeroThreshold: Double = 0.05, histogram: HistogramBins? = nil) throws -> ActivationSummary {
        var stats = ct_stats()
        let bins = histogram?.count ?? 0
        var counts = [Int64](repeating: 0, count: bins)
        try check("activation stats", ct_activation_stats(
            handle, nearZeroThreshold, Int64(bins), histogram?.low ?? 0, histogram?.high ?? 0, &stats, &counts))
        return ActivationSummary(count: Int(stats.count), mean: stats.mean, std: stats.std, nearZero: stats.near_zero,
                                 min: stats.min, max: stats.max, histogram: counts)
    }
}
