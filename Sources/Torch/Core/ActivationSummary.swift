import CTorch
import Statistics

/// The statistics of one tensor computed by the fused one-pass kernel.
public struct ActivationSummary: Sendable, Equatable {
    /// Number of elements.
    public var count: Int
    /// The statistics asked for; the others read as NaN.
    public var values: StatValues
    /// Counts per bin when a histogram was asked for, else empty.
    public var histogram: [Int64]

    /// Creates a summary.
    public init(count: Int, values: StatValues, histogram: [Int64] = []) {
        self.count = count
        self.values = values
        self.histogram = histogram
    }

    /// The value of `statistic`, NaN when it was not computed.
    public subscript(statistic: Statistic) -> Double { values[statistic] }
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
    /// The statistics in `stats` (and a histogram) in one parallel pass over the elements.
    public func activationSummary(_ stats: StatSet = .all, nearZeroThreshold: Double = 0.05,
                                  histogram: HistogramBins? = nil) throws -> ActivationSummary {
        var out = ct_stats()
        let bins = histogram?.count ?? 0
        var counts = [Int64](repeating: 0, count: bins)
        try check("activation stats", ct_activation_stats(
            handle, stats.rawValue, nearZeroThreshold, Int64(bins), histogram?.low ?? 0, histogram?.high ?? 0, &out, &counts))
        var values = StatValues()
        withUnsafeBytes(of: out.values) { raw in
            let kernel = raw.bindMemory(to: Double.self)
            for statistic in stats.members { values[statistic] = kernel[statistic.rawValue] }
        }
        return ActivationSummary(count: Int(out.count), values: values, histogram: counts)
    }
}
