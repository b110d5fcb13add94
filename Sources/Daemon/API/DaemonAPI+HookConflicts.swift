import HTTPServer
import HookKit

extension DaemonAPI {
    /// 409 before queueing an attach that would repeat a statistic of a hook on the same layer
    /// and kind (see `HookClaims`) or pass `training.max_hooks`.
    ///
    /// Counts the hooks open on `target` (when it trains) and the attaches already pending for
    /// it. The training loop checks the open hooks again when it applies the command
    /// (`HookCommandApplier`), so two racing POSTs cannot both attach.
    static func refuseConflictingAttach(layer: String, kind: HookKind, stats: [HookSpec.Stat], target: Int64?, isActive: Bool,
                                        _ snapshot: LiveSnapshot, _ core: DaemonCore) throws {
        let open = isActive ? snapshot.openHooks.values.filter { $0.runID == target } : []
        if let twin = open.first(where: { $0.path == layer && $0.kind == kind && stats.shared(with: $0.stats) != nil }) {
            throw conflictError(.exists(twin), runID: target, stats: stats)
        }
        var pending = 0
        for command in core.hookCommands.pending where command.runID == target {
            guard case let .attach(otherLayer, otherKind, otherStats, _) = command.action else { continue }
            if otherLayer == layer && otherKind == kind, let stat = stats.shared(with: otherStats) {
                throw HTTPError.conflict("\(runName(target)) already has pending hook p\(command.pendingID) on '\(layer)' (\(kind.rawValue)) recording \(stat.rawValue)",
                                         code: "hook_exists")
            }
            pending += 1
        }
        if open.count + pending >= core.config.maxHooks {
            throw conflictError(.limitReached(core.config.maxHooks), runID: target, stats: stats)
        }
    }

    /// The 409 for an attach of `stats` refused as a repeat (`hook_exists`) or over the limit (`too_many_hooks`).
    static func conflictError(_ outcome: HookOutcome, runID: Int64?, stats: [HookSpec.Stat]) -> HTTPError {
        switch outcome {
        case .exists(let twin):
            HTTPError.conflict("run \(twin.runID) already has hook \(twin.id) on '\(twin.path)' (\(twin.kind.rawValue)) recording "
                               + (stats.shared(with: twin.stats)?.rawValue ?? "them"), code: "hook_exists")
        case .limitReached(let limit):
            HTTPError.conflict("\(runName(runID)) already has \(limit) hooks (training.max_hooks)", code: "too_many_hooks")
        default:
            HTTPError(.internalServerError, code: "hook_failed", message: "unexpected outcome")
        }
    }

    private static func runName(_ id: Int64?) -> String { id.map { "run \($0)" } ?? "the next run" }
}
