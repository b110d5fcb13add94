import HookKit
import Logging

/// Applies the hook commands queued for a run at each batch boundary (ARCHITECTURE: never from
/// a handler thread), and settles each command's ticket with the outcome.
///
/// A learner callback on the training queue; a hook attached here records from the batch about
/// to train, as `ActivationStats` has already begun that batch.
final class HookCommandApplier: LearnerCallback {
    private let runID: Int64
    private let commands: HookCommandQueue
    private let hooks: LiveHooks
    private let maxHooks: Int
    private let logger: Logger

    init(runID: Int64, commands: HookCommandQueue, hooks: LiveHooks, maxHooks: Int, logger: Logger) {
        self.runID = runID
        self.commands = commands
        self.hooks = hooks
        self.maxHooks = maxHooks
        self.logger = logger
    }

    func beginBatch(_ learner: Learner) throws {
        apply(atBatch: learner.position.iteration)
    }

    /// Applies every queued command for this run; `batch` is the batch about to train.
    func apply(atBatch batch: Int) {
        for command in commands.take(forRun: runID) {
            let outcome = self.outcome(of: command.action, atBatch: batch)
            command.ticket.complete(outcome)
            switch outcome {
            case .attached(let h): logger.info("run \(runID): hook \(h.id) on \(h.path) (\(h.kind)) from batch \(batch)")
            case .detached(let h, _): logger.info("run \(runID): hook \(h.id) on \(h.path) detached at batch \(batch)")
            default:
                // Logged and kept for GET /hooks: the client of a pending attach got its 201 long
                // ago and hears nothing else.
                guard case let .attach(layer, kind, stats, every) = command.action, let reason = Self.refusal(outcome) else { break }
                logger.warning("run \(runID): attach on \(layer) (\(kind)) refused: \(reason)")
                commands.noteRefusal(RefusedHook(pendingID: command.pendingID, runID: runID, layer: layer, kind: kind,
                                                 stats: stats, every: every, reason: reason))
            }
        }
    }

    /// Why an attach was refused, for people; nil for outcomes that are not refusals.
    private static func refusal(_ outcome: HookOutcome) -> String? {
        switch outcome {
        case .unknownLayer(let path): "the model has no module '\(path)'"
        case .exists(let twin): "hook \(twin.id) already records \(twin.stats.map(\.rawValue).joined(separator: ", ")) there"
        case .limitReached(let limit): "\(limit) hooks are open (training.max_hooks)"
        case .failed(let message): message
        default: nil
        }
    }

    private func outcome(of action: HookCommand.Action, atBatch batch: Int) -> HookOutcome {
        switch action {
        case let .attach(layer, kind, stats, every):
            // Checked here too, not only by the handler: two POSTs may race past its check.
            if let refusal = hooks.refusal(path: layer, kind: kind, stats: stats, limit: maxHooks) { return refusal }
            do {
                return .attached(try hooks.attach(path: layer, kind: kind, stats: stats, every: every, atBatch: batch))
            } catch is SpecError {
                return .unknownLayer(layer)
            } catch {
                return .failed("\(error)")
            }
        case .detach(let hookID):
            do {
                return try hooks.detach(hookID, atBatch: batch).map { .detached($0, batch: batch) } ?? .unknownHook(hookID)
            } catch {
                return .failed("\(error)")
            }
        }
    }
}
