import Foundation

/// fastai's one-cycle policy (`fit_one_cycle`): learning rate and momentum as two cosine phases.
///
/// Learning rate rises from `maxLR / divFactor` to `maxLR` over the first `pctStart` of the steps,
/// then falls to `maxLR / finalDiv`; momentum moves the opposite way between `moms.0`, `moms.1`
/// and `moms.2`. Values are taken at `pct = step / totalSteps` before each step, as fastai does.
public struct OneCycleSchedule: Sendable, Equatable {
    public var totalSteps: Int
    public var maxLR: Double
    public var divFactor: Double
    public var finalDiv: Double
    public var pctStart: Double
    public var moms: (Double, Double, Double)

    public init(totalSteps: Int, maxLR: Double, divFactor: Double = 25, finalDiv: Double = 1e5,
                pctStart: Double = 0.25, moms: (Double, Double, Double) = (0.95, 0.85, 0.95)) {
        self.totalSteps = totalSteps
        self.maxLR = maxLR
        self.divFactor = divFactor
        self.finalDiv = finalDiv
        self.pctStart = pctStart
        self.moms = moms
    }

    /// Learning rate before step `step` (0-based).
    public func learningRate(at step: Int) -> Double {
        combined(step, maxLR / divFactor, maxLR, maxLR / finalDiv)
    }

    /// Momentum (or beta1) before step `step`.
    public func momentum(at step: Int) -> Double {
        combined(step, moms.0, moms.1, moms.2)
    }

    /// fastai's `combined_cos(pct, start, middle, end)`.
    private func combined(_ step: Int, _ start: Double, _ middle: Double, _ end: Double) -> Double {
        let pct = Double(step) / Double(Swift.max(totalSteps, 1))
        if pct < pctStart {
            return Self.cosine(start, middle, pct / pctStart)
        }
        return Self.cosine(middle, end, (pct - pctStart) / (1 - pctStart))
    }

    /// fastai's `SchedCos`: `start + (1 + cos(pi * (1 - pct))) * (end - start) / 2`.
    static func cosine(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        start + (1 + Foundation.cos(Double.pi * (1 - pct))) * (end - start) / 2
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.totalSteps == b.totalSteps && a.maxLR == b.maxLR && a.divFactor == b.divFactor && a.finalDiv == b.finalDiv
            && a.pctStart == b.pctStart && a.moms == b.moms
    }
}
