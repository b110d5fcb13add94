/// The (module path, kind) pairs one run hooks, each with the JSON path that asked for it.
///
/// A second hook on the same module and kind records exactly the same statistics again, so
/// repeats only multiply work (10,000 × `"0.0"` trained 60× slower); they are refused, naming
/// the repeat and the first occurrence. The total is bounded by `limit` (`training.max_hooks`).
public struct HookClaims: Sendable {
    /// `training.max_hooks` when nothing configures it.
    public static let defaultLimit = 256

    private struct Key: Hashable {
        let module: String
        let kind: HookKind
    }

    public let limit: Int
    private var owners: [Key: String] = [:]

    public init(limit: Int = HookClaims.defaultLimit) {
        self.limit = limit
    }

    /// Hooks claimed so far.
    public var count: Int { owners.count }

    /// Records that the value at `jsonPath` hooks `module` in direction `kind`.
    ///
    /// - Throws: `SpecError` at `jsonPath` when that pair is already hooked, or when it would
    ///   be hook number `limit + 1`.
    public mutating func claim(_ module: String, _ kind: HookKind, at jsonPath: String) throws {
        let key = Key(module: module, kind: kind)
        if let first = owners[key] {
            throw SpecError(path: jsonPath, message: "module \"\(module)\" (\(kind.rawValue)) is already hooked by \(first)")
        }
        guard owners.count < limit else {
            throw SpecError(path: jsonPath, message: "more than \(limit) hooks in one run (training.max_hooks)")
        }
        owners[key] = jsonPath
    }

    /// Claims the module paths `hooks` name explicitly, the part checkable without a model;
    /// `"params"` and `"all"` are claimed when `TrainingJob` resolves them.
    public mutating func claimExplicitPaths(of hooks: [HookSpec]) throws {
        for (index, hook) in hooks.enumerated() {
            guard case .paths(let paths) = hook.modules else { continue }
            for (position, path) in paths.enumerated() {
                try claim(path, hook.kind, at: "$.hooks[\(index)].modules[\(position)]")
            }
        }
    }
}
