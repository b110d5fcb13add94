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
    var deadUnits = Episode()
    /// dead_units: the channel flags of the last `window` batches (a ring of rows of `channels`),
    /// and per channel in how many of them it fired; allocated at the first batch, then reused.
    private var activity: [UInt8] = []
    private var activeBatches: [Int32] = []
    private var activityRow = 0
    private var activityFilled = 0
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

    /// Adds one batch's channel flags (1: the channel had a value > 0); once `window` batches are
    /// in, the share of channels that fired in fewer than `activeShare` of them (dead), else nil.
    mutating func deadShare(_ flags: [UInt8], window: Int, activeShare: Double) -> Double? {
        let channels = flags.count, window = Swift.max(window, 1)
        guard channels > 0 else { return nil }
        if activeBatches.count != channels || activity.count != channels * window {  // first batch
            activity = [UInt8](repeating: 0, count: channels * window)
            activeBatches = [Int32](repeating: 0, count: channels)
            activityRow = 0
            activityFilled = 0
        }
        let row = activityRow * channels
        for c in 0..<channels {
            activeBatches[c] += Int32(flags[c]) - Int32(activity[row + c])
            activity[row + c] = flags[c]
        }
        activityRow = (activityRow + 1) % window
        activityFilled = Swift.min(activityFilled + 1, window)
        guard activityFilled == window else { return nil }
        let live = activeShare * Double(window)
        var dead = 0
        for c in 0..<channels where Double(activeBatches[c]) < live { dead += 1 }
        return Double(dead) / Double(channels)
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
