import Statistics

extension HookSpec {
    /// A name in a hook's `stats`: a scalar statistic (`mean`, `abs_mean`, …) or `histogram`.
    public enum Stat: Sendable, Hashable, CaseIterable, RawRepresentable {
        case scalar(Statistic)
        /// fastai's 40-bin histogram over [0, 10].
        case histogram

        /// What a hook records when its spec names no statistics.
        public static let defaults = Statistic.defaults.members.map(Stat.scalar)

        public static var allCases: [Stat] { Statistic.allCases.map(Stat.scalar) + [.histogram] }

        public var rawValue: String {
            switch self {
            case .scalar(let statistic): statistic.name
            case .histogram: "histogram"
            }
        }

        public init?(rawValue: String) {
            if rawValue == "histogram" {
                self = .histogram
            } else if let statistic = Statistic(name: rawValue) {
                self = .scalar(statistic)
            } else {
                return nil
            }
        }

        /// The statistics named in `names`, the list at JSON path `path`.
        ///
        /// The list is a set: a repeat would be computed and stored twice for nothing, and
        /// refusing repeats bounds the list by `allCases.count` (a 100,000-entry list was stored
        /// whole and returned by every `GET /hooks`).
        ///
        /// - Throws: `SpecError` naming the element that is not a statistic (with the valid
        ///   names), or that repeats an earlier one.
        public static func parse(_ names: [String], path: String) throws -> [Stat] {
            var seen = Set<Stat>()
            return try names.enumerated().map { index, name in
                guard let stat = Stat(rawValue: name) else {
                    let known = allCases.map(\.rawValue).joined(separator: ", ")
                    throw SpecError(path: "\(path)[\(index)]", message: "unknown statistic \"\(name)\"; expected one of \(known)")
                }
                guard seen.insert(stat).inserted else {
                    throw SpecError(path: "\(path)[\(index)]", message: "duplicate statistic \"\(name)\"")
                }
                return stat
            }
        }
    }
}

extension Array where Element == HookSpec.Stat {
    /// The first of these statistics that `other` names too: two hooks on one module and kind
    /// that share one compute and store it twice, while disjoint ones (a histogram beside the
    /// spec's scalars) each add something.
    public func shared(with other: [HookSpec.Stat]) -> HookSpec.Stat? {
        first(where: other.contains)
    }

    /// What a hook naming these statistics computes each recorded batch.
    public var request: StatRequest {
        StatRequest(scalars: StatSet(compactMap { if case .scalar(let s) = $0 { s } else { nil } }),
                    histogram: contains(.histogram) ? .fastai : nil)
    }
}
