/// A scalar statistic of one tensor, described once for every layer of hookd.
///
/// Its `name` is the SQL column of `activation_stats`, the JSON key and CSV/table header of
/// `/stats` and `hookd stats`, the name a hook's `stats` list uses, and the suffix of its
/// Prometheus series. Cases are in the fused kernel's order (`CT_STAT_*` in `ctorch.h`), so a
/// case's `rawValue` is its kernel index. Adding one: a case here, the kernel, one migration.
public enum Statistic: Int, CaseIterable, Sendable, Hashable, Comparable {
    case mean
    /// Unbiased (n - 1) standard deviation.
    case std
    /// Share of values <= the near-zero threshold (0.05).
    case nearZero
    /// Mean of |x|: the size of a gradient whatever its sign (vanishing gradients).
    case absMean
    case min
    case max

    /// Column, JSON key, spec name and metric suffix: `near_zero`, `abs_mean`, ….
    public var name: String {
        switch self {
        case .mean: "mean"
        case .std: "std"
        case .nearZero: "near_zero"
        case .absMean: "abs_mean"
        case .min: "min"
        case .max: "max"
        }
    }

    /// The statistic called `name`, if any.
    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// What `/metrics` says the statistic is, after "<Statistic> of the layer's last recorded".
    public var help: String {
        switch self {
        case .mean: "Mean"
        case .std: "Unbiased standard deviation"
        case .nearZero: "Share of values <= 0.05"
        case .absMean: "Mean absolute value"
        case .min: "Minimum"
        case .max: "Maximum"
        }
    }

    /// The Prometheus series of a layer's latest value: `hookd_activation_<name>`.
    public var metricName: String { "hookd_activation_\(name)" }

    /// What a hook records when its spec names no statistics (fastai's ActivationStats).
    public static let defaults: StatSet = [.mean, .std, .nearZero]

    public static func < (a: Statistic, b: Statistic) -> Bool { a.rawValue < b.rawValue }
}
