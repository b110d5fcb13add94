import Statistics

/// What the rules remember about one hooked layer (and kind): allocated when the layer is
/// first seen, then updated in place, so judging a batch allocates nothing.
struct LayerHealth {
    let path: String
    let kind: SignalKind
    var nonFinite = Episode()
    var vanishing = Episode()
    var exploding = Episode()
    var saturated = Episode()
    /// exploding: the first `baseline` sizes, then (sorted once) their median.
    private var baseline: [Double]
    private var baselineCount = 0
    private(set) var median = Double.nan

    init(path: String, kind: SignalKind, baselineSize: Int) {
        self.path = path
        self.kind = kind
        baseline = [Double](repeating: .nan, count: max(baselineSize, 1))
    }

    /// The layer's size for `exploding`: its std, or max |x| when std is not computed.
    static func size(of values: StatValues) -> Double? {
        if let std = values.value(.std) { return std }
        guard let low = values.value(.min), let high = values.value(.max) else { return nil }
        return Swift.max(abs(low), abs(high))
    }

    /// Adds a finite size to the baseline until it is full; true once the median is known.
    mutating func learnBaseline(_ size: Double) -> Bool {
        guard median.isNaN else { return true }
        guard size.isFinite else { return false }
        baseline[baselineCount] = size
        baselineCount += 1
        guard baselineCount == baseline.count else { return false }
        baseline.sort()
        let mid = baseline.count / 2
        median = baseline.count % 2 == 1 ? baseline[mid] : (baseline[mid - 1] + baseline[mid]) / 2
        return true
    }
}
