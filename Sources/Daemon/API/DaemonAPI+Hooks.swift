import Foundation
import HTTPServer
import HookKit
import Rendering
import StatsStore

extension DaemonAPI {
    static func addHookRoutes(_ router: inout Router, _ core: DaemonCore) {
        router.get("/hooks") { request in
            let run = try selectedRun(request, core)
            let rows = try mapping { try core.reader.hooks(run: run) }
            let open = core.live.snapshot.openHooks
            var items = rows.map { h -> JSONOut in
                .object([
                    ("id", .int(h.id)), ("run", .int(h.runID)), ("layer", .string(h.path)), ("kind", .string(h.kind.rawValue)),
                    ("stats", .array(h.stats.map(JSONOut.string))), ("every", .int(h.every)),
                    ("attached_batch", .int(h.attachedBatch)), ("detached_batch", .int(h.detachedBatch)),
                    ("active", .bool(open[h.id] != nil)),
                ])
            }
            for command in core.hookCommands.pending where command.runID == nil || command.runID == run {
                if case let .attach(layer, kind, stats, every) = command.action {
                    items.append(pendingJSON(command, layer: layer, kind: kind, stats: stats, every: every))
                }
            }
            items += core.hookCommands.refusals(forRun: run).map(refusedJSON)
            return .json(JSONOut.object([("run", .int(run)), ("hooks", .array(items))]).data)
        }
        router.post("/hooks") { request in try attach(request, core) }
        router.delete("/hooks/{id}") { request in try detach(request, core) }
    }

    /// `POST /hooks`: queue an attach and wait (bounded) for the batch it takes effect at.
    static func attach(_ request: HTTPRequest, _ core: DaemonCore) throws -> HTTPResponse {
        try request.requireJSONBody()
        let (layer, kind, stats, every) = try mapping { try parseHookBody(request.body) }
        let snapshot = core.live.snapshot
        var target: Int64?
        if let text = request.query["run"] {
            let id = try integer(text, name: "run", range: 1...Int64.max)
            let record = try mapping { try core.reader.run(id) }
            if snapshot.activeRunID != id, record.status.hasEnded {
                throw HTTPError.conflict("run \(id) has ended (\(record.status)); hooks attach to queued or running runs",
                                         code: "run_ended")
            }
            target = id
        } else {
            target = snapshot.activeRunID
        }
        let isActive = target != nil && target == snapshot.activeRunID
        if isActive, let paths = snapshot.modulePaths, !paths.contains(layer) {
            throw HTTPError.notFound("run \(target!) has no module '\(layer)'", code: "layer_not_found")
        }
        try refuseConflictingAttach(layer: layer, kind: kind, stats: stats, target: target, isActive: isActive, snapshot, core)
        let command = core.hookCommands.enqueue(.attach(layer: layer, kind: kind, stats: stats, every: every), runID: target)
        guard isActive else {
            // No run trains now: it applies when `target` (or the next run) starts.
            return .json(pendingJSON(command, layer: layer, kind: kind, stats: stats, every: every).data, status: .created)
        }
        switch command.ticket.wait(milliseconds: core.config.hookWaitMilliseconds) {
        case .attached(let hook)?:
            var response = HTTPResponse.json(hookJSON(hook, extra: [("pending", .bool(false))]).data, status: .created)
            response.headers["Location"] = "/hooks/\(hook.id)"
            return response
        case .unknownLayer(let path)?:
            throw HTTPError.notFound("run \(target!) has no module '\(path)'", code: "layer_not_found")
        case .runEnded(let id)?:
            throw HTTPError.conflict("run \(id) ended before the hook could be attached", code: "run_ended")
        case .exists(let twin)?:
            throw conflictError(.exists(twin), runID: target, stats: stats)
        case .limitReached(let limit)?:
            throw conflictError(.limitReached(limit), runID: target, stats: stats)
        case .failed(let message)?:
            throw HTTPError(.internalServerError, code: "hook_failed", message: message)
        case .detached?, .unknownHook?:
            throw HTTPError(.internalServerError, code: "hook_failed", message: "unexpected outcome")
        case nil:
            // Still queued (e.g. the run is validating): it applies at the next training batch.
            return .json(pendingJSON(command, layer: layer, kind: kind, stats: stats, every: every).data, status: .accepted)
        }
    }

    /// `DELETE /hooks/{id}`: detach at the next batch boundary; `p{n}` withdraws a pending attach.
    static func detach(_ request: HTTPRequest, _ core: DaemonCore) throws -> HTTPResponse {
        let text = try request.parameter("id")
        if text.hasPrefix("p") {
            let n = try integer(String(text.dropFirst()), name: "pending hook id", range: 1...Int64.max)
            guard let command = core.hookCommands.cancel(pendingID: Int(n)) else {
                throw HTTPError.notFound("no pending hook \(text)", code: "hook_not_found")
            }
            command.ticket.complete(.runEnded(command.runID ?? 0))
            return .json(JSONOut.object([("pending_id", .int(n)), ("cancelled", .bool(true))]).data)
        }
        let id = try integer(text, name: "hook id", range: 1...Int64.max)
        guard let hook = core.live.snapshot.openHooks[id] else { throw try closedHookError(id, core) }
        let command = core.hookCommands.enqueue(.detach(hookID: id), runID: hook.runID)
        switch command.ticket.wait(milliseconds: core.config.hookWaitMilliseconds) {
        case .detached(let hook, let batch)?:
            return .json(hookJSON(hook, extra: [("detached_batch", .int(batch))]).data)
        case .unknownHook?, .runEnded?:
            throw try closedHookError(id, core)
        case .failed(let message)?:
            throw HTTPError(.internalServerError, code: "hook_failed", message: message)
        case .attached?, .unknownLayer?, .exists?, .limitReached?:
            throw HTTPError(.internalServerError, code: "hook_failed", message: "unexpected outcome")
        case nil:
            return .json(hookJSON(hook, extra: [("detached_batch", .null), ("pending", .bool(true))]).data, status: .accepted)
        }
    }

    /// 409 for a hook that exists but is not live (detached, or its run is not training), else 404.
    static func closedHookError(_ id: Int64, _ core: DaemonCore) throws -> HTTPError {
        for run in try core.reader.runs().reversed() {
            if let row = try core.reader.hooks(run: run.id).first(where: { $0.id == id }) {
                let why = row.detachedBatch.map { "was detached at batch \($0)" } ?? "belongs to run \(run.id), which is \(run.status)"
                return HTTPError.conflict("hook \(id) \(why)", code: "hook_not_attached")
            }
        }
        return HTTPError.notFound("no hook with id \(id)", code: "hook_not_found")
    }

    /// `{"layer","kind","stats","every"}`, strictly: unknown keys and bad values name their JSON path.
    static func parseHookBody(_ body: Data) throws -> (String, HookKind, [HookSpec.Stat], Int) {
        let r = try JSONObjectReader(try JSONValue.parse(body))
        let layer = try r.requiredString("layer")
        let kind = try r.choice("kind", HookKind.self) ?? .forward
        let stats = try r.stringArray("stats").map { try HookSpec.Stat.parse($0, path: r.child("stats")) } ?? HookSpec.Stat.defaults
        let every = try r.int("every", range: 1...1_000_000) ?? 1
        try r.finish()
        if layer.isEmpty { throw SpecError(path: "$.layer", message: "must not be empty") }
        return (layer, kind, stats, every)
    }

    static func hookJSON(_ h: OpenHook, extra: [(String, JSONOut)]) -> JSONOut {
        .object([
            ("id", .int(h.id)), ("run", .int(h.runID)), ("layer", .string(h.path)), ("kind", .string(h.kind.rawValue)),
            ("stats", .array(h.stats.map { .string($0.rawValue) })), ("every", .int(h.every)),
            ("attached_batch", .int(h.attachedBatch)),
        ] + extra)
    }

    /// A refused attach: a pending one's fields, `pending` false and `refused` saying why.
    static func refusedJSON(_ r: RefusedHook) -> JSONOut {
        queuedJSON(pendingID: r.pendingID, runID: r.runID, layer: r.layer, kind: r.kind, stats: r.stats, every: r.every,
                   refused: r.reason)
    }

    static func pendingJSON(_ c: HookCommand, layer: String, kind: HookKind, stats: [HookSpec.Stat], every: Int) -> JSONOut {
        queuedJSON(pendingID: c.pendingID, runID: c.runID, layer: layer, kind: kind, stats: stats, every: every, refused: nil)
    }

    private static func queuedJSON(pendingID: Int, runID: Int64?, layer: String, kind: HookKind, stats: [HookSpec.Stat],
                                   every: Int, refused: String?) -> JSONOut {
        .object([
            ("id", .null), ("pending_id", .int(pendingID)), ("run", .int(runID)), ("layer", .string(layer)),
            ("kind", .string(kind.rawValue)), ("stats", .array(stats.map { .string($0.rawValue) })), ("every", .int(every)),
            ("attached_batch", .null), ("pending", .bool(refused == nil)),
        ] + (refused.map { [("refused", JSONOut.string($0))] } ?? []))
    }
}
