import Statistics

/// The last recorded statistics of one hooked layer (for `/metrics` without touching SQLite).
public struct LatestStat: Sendable, Equatable {
    public var path: String
    /// `forward` or `backward`.
    public var kind: String
    public var batch: Int
    /// What the layer's hooks computed on that batch.
    public var values: StatValues
}
