import Statistics

/// What a plot shows of a layer: one recorded statistic over batches, or the colorful dimension.
public enum PlotStat: Sendable, Hashable, CaseIterable {
    case statistic(Statistic)
    /// fastai's `color_dim`: the histograms over batches as an image (`ColorDimension`).
    case colorDimension

    public static var allCases: [PlotStat] { Statistic.allCases.map(PlotStat.statistic) + [.colorDimension] }

    /// `mean`, `std`, … (`Statistic.name`) or `color_dim`.
    public var name: String {
        switch self {
        case .statistic(let statistic): statistic.name
        case .colorDimension: "color_dim"
        }
    }

    /// The plot called `name`, if any.
    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// Every name, for messages: "mean, std, …, color_dim".
    public static var names: String { allCases.map(\.name).joined(separator: ", ") }
}
