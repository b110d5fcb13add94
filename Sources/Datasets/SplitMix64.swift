/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast generator whose output is fixed by
/// its seed on every platform and Swift version, which the loader's shuffles rely on.
///
/// Swift's own `shuffle(using:)` and `Int.random(in:using:)` may change their algorithm
/// between releases, so the loader uses `next(below:)` and its own Fisher–Yates instead.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The current state; the next output is a hash of `state + 0x9E3779B97F4A7C15`.
    public private(set) var state: UInt64

    /// Starts the sequence at `seed`; every seed, 0 included, gives a good sequence.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire 2019, multiply and reject).
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// `0..<count` in a random order (Fisher–Yates, last element first).
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            order.swapAt(i, next(below: i + 1))
            i -= 1
        }
        return order
    }
}

extension SplitMix64 {
    /// A uniform Double in `0..<1` from the top 53 bits.
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform Double in `low..<high`, as `low + (high - low) * u`.
    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }
}
