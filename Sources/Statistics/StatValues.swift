/// The values of the statistics computed for one tensor (or read back from one row).
///
/// Fixed-size and inline, so recording a batch allocates nothing per layer. A statistic that was
/// not computed reads as NaN, as SQL NULL does: SQLite stores a NaN as NULL anyway.
public struct StatValues: Sendable, Equatable {
    /// The statistics that hold a value.
    public private(set) var computed: StatSet = []
    private var storage = InlineArray<8, Double>(repeating: .nan)

    /// No values.
    public init() {}

    /// The given values; the statistics not named are not computed.
    public init(_ values: [Statistic: Double]) {
        for (statistic, value) in values { self[statistic] = value }
    }

    /// The value of `statistic`, NaN when it was not computed. Setting NaN stores it as computed.
    public subscript(statistic: Statistic) -> Double {
        get { storage[statistic.rawValue] }
        set {
            storage[statistic.rawValue] = newValue
            computed.insert(statistic)
        }
    }

    /// The value of `statistic`, or nil when it was not computed.
    public func value(_ statistic: Statistic) -> Double? {
        computed.contains(statistic) ? storage[statistic.rawValue] : nil
    }

    /// Takes every value `other` computed, keeping the others.
    public mutating func merge(_ other: StatValues) {
        for statistic in other.computed.members { self[statistic] = other[statistic] }
    }

    /// Values in `Statistic.allCases` order, NaN for those not computed.
    public var all: [Double] { Statistic.allCases.map { self[$0] } }

    public static func == (a: StatValues, b: StatValues) -> Bool {
        // NaN is never equal to NaN; here two NaNs (or two values not computed) are the same value.
        a.computed == b.computed && Statistic.allCases.allSatisfy { a[$0] == b[$0] || (a[$0].isNaN && b[$0].isNaN) }
    }
}
