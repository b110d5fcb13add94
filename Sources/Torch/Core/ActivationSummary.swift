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
    /// Per channel (dim 1; the whole tensor below 2-D), 1 when some element is > 0, else 0;
    /// empty unless asked for. What `dead_units` accumulates.
    public var activeChannels: [UInt8]

    /// Creates a summary.
    public init(count: Int, values: StatValues, histogram: [Int64] = [], activeChannels: [UInt8] = []) {
        self.count = count
        self.values = values
        self.histogram = histogram
        self.activeChannels = activeChannels
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
    /// The statistics in `stats` (and a histogram, and which channels have an element > 0) in one
    /// parallel pass over the elements.
    public func activationSummary(_ stats: StatSet = .all, nearZeroThreshold: Double = 0.05,
                                  histogram: HistogramBins? = nil, activeChannels: Bool = false) throws -> ActivationSummary {
        var out = ct_stats()
        let bins = histogram?.count ?? 0
        var counts = [Int64](repeating: 0, count: bins)
        var active = [UInt8](repeating: 0, count: activeChannels ? Int(ct_activity_channels(handle)) : 0)
        try check("activation stats", active.withUnsafeMutableBufferPointer { flags in
            ct_activation_stats(handle, stats.rawValue, nearZeroThreshold, Int64(bins), histogram?.low ?? 0,
                                histogram?.high ?? 0, &out, &counts, activeChannels ? flags.baseAddress : nil)
        })
        var values = StatValues()
        withUnsafeBytes(of: out.values) { raw in
            let kernel = raw.bindMemory(to: Double.self)
            for statistic in stats.members { values[statistic] = kernel[statistic.rawValue] }
        }
        return ActivationSummary(count: Int(out.count), values: values, histogram: counts, activeChannels: active)
    }
}
