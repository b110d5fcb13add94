/// The hooks one run has, by module path and kind, each with the JSON path that asked for it.
///
/// A second hook on the same module and kind that shares a statistic with the first computes
/// and stores it again, so such repeats only multiply work (10,000 × `"0.0"` trained 60×
/// slower); they are refused, naming the repeat and the first occurrence. Hooks with disjoint
/// statistics may share a module (a histogram beside the scalars), so there are at most
/// `HookSpec.Stat.allCases.count` per module and kind. The total is bounded by `limit`
/// (`training.max_hooks`).
public struct HookClaims: Sendable {
    /// `training.max_hooks` when nothing configures it.
    public static let defaultLimit = 256

    private struct Key: Hashable {
        let module: String
        let kind: HookKind
    }

    public let limit: Int
    private var owners: [Key: [(stats: [HookSpec.Stat], jsonPath: String)]] = [:]

    public init(limit: Int = HookClaims.defaultLimit) {
        self.limit = limit
    }

    /// Hooks claimed so far.
    public private(set) var count = 0

    /// Records that the value at `jsonPath` hooks `module` in direction `kind` for `stats`.
    ///
    /// - Throws: `SpecError` at `jsonPath` when a hook claimed before records one of `stats` on
    ///   that module and kind, or when this would be hook number `limit + 1`.
    public mutating func claim(_ module: String, _ kind: HookKind, stats: [HookSpec.Stat], at jsonPath: String) throws {
        let key = Key(module: module, kind: kind)
        for earlier in owners[key] ?? [] {
            if let stat = stats.shared(with: earlier.stats) {
                throw SpecError(path: jsonPath, message: "module \"\(module)\" (\(kind.rawValue)) already records \(stat.rawValue) for \(earlier.jsonPath)")
            }
        }
        guard count < limit else {
            throw SpecError(path: jsonPath, message: "more than \(limit) hooks in one run (training.max_hooks)")
        }
        owners[key, default: []].append((stats, jsonPath))
        count += 1
    }

    /// Claims the module paths `hooks` name explicitly, the part checkable without a model;
    /// `"params"` and `"all"` are claimed when `TrainingJob` resolves them.
    public mutating func claimExplicitPaths(of hooks: [HookSpec]) throws {
        for (index, hook) in hooks.enumerated() {
            guard case .paths(let paths) = hook.modules else { continue }
            for (position, path) in paths.enumerated() {
                try claim(path, hook.kind, stats: hook.stats, at: "$.hooks[\(index)].modules[\(position)]")
            }
        }
    }
}
