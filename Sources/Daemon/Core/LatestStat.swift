/// The last recorded statistics of one hooked layer (for `/metrics` without touching SQLite).
public struct LatestStat: Sendable, Equatable {
    public var path: String
    /// `forward` or `backward`.
    public var kind: String
    public var batch: Int
    public var mean: Double
    public var std: Double
    public var nearZero: Double
}
