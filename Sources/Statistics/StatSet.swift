/// A set of scalar statistics; its raw value is the fused kernel's mask (bit `rawValue` of each).
public struct StatSet: Sendable, Hashable, Sequence, ExpressibleByArrayLiteral {
    public private(set) var rawValue: UInt32

    /// The set whose kernel mask is `rawValue`.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The set of `statistics`.
    public init<S: Sequence>(_ statistics: S) where S.Element == Statistic {
        rawValue = statistics.reduce(0) { $0 | Self.bit($1) }
    }

    public init(arrayLiteral statistics: Statistic...) { self.init(statistics) }

    /// Every statistic hookd knows.
    public static let all = StatSet(Statistic.allCases)

    /// True when `statistic` is in the set.
    public func contains(_ statistic: Statistic) -> Bool { rawValue & Self.bit(statistic) != 0 }

    /// Adds `statistic`.
    public mutating func insert(_ statistic: Statistic) { rawValue |= Self.bit(statistic) }

    /// True when the set holds no statistic.
    public var isEmpty: Bool { rawValue == 0 }

    /// The members, in kernel order.
    public var members: [Statistic] { Statistic.allCases.filter(contains) }

    public func makeIterator() -> IndexingIterator<[Statistic]> { members.makeIterator() }

    private static func bit(_ statistic: Statistic) -> UInt32 { 1 << UInt32(statistic.rawValue) }
}
