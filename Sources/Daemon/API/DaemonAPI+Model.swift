import Foundation
import HTTPServer
import Rendering
import StatsStore

extension DaemonAPI {
    static func addModelRoutes(_ router: inout Router, _ core: DaemonCore) {
        router.get("/summary") { request in
            let format = try format(request, allowed: ["json", "text"])
            let run = try selectedRun(request, core)
            let file = core.runDirectory(run).appendingPathComponent(format == "json" ? "summary.json" : "summary.txt")
            guard let data = FileManager.default.contents(atPath: file.path) else { throw notBuilt(run) }
            return format == "json" ? .json(data) : .text(String(decoding: data, as: UTF8.self))
        }
        router.get("/layers") { request in
            let run = try selectedRun(request, core)
            let modules = try mapping { try core.reader.modules(run: run) }
            // Every model has leaf modules, so none recorded means none built, whatever the status
            // (queued, loading its data, or failed before it built): the same 409 as `/summary`.
            if modules.isEmpty { throw notBuilt(run) }
            let open = core.live.snapshot.openHooks.values.filter { $0.runID == run }
            let layers = modules.enumerated().map { index, m -> JSONOut in
                let hooks = open.filter { $0.path == m.path }.sorted { $0.id < $1.id }
                return .object([
                    ("index", .int(index)), ("path", .string(m.path)), ("type", .string(m.type)),
                    ("output_shape", .array(m.outputShape.map { .int($0) })), ("params", .int(m.params)),
                    ("trainable", .bool(m.trainable)),
                    ("hooks", .array(hooks.map { .object([("id", .int($0.id)), ("kind", .string($0.kind.rawValue))]) })),
                ])
            }
            return .json(JSONOut.object([("run", .int(run)), ("layers", .array(layers))]).data)
        }
    }

    static func notBuilt(_ run: Int64) -> HTTPError {
        HTTPError.conflict("run \(run) has not built its model yet (queued, or failed before training)", code: "model_not_built")
    }
}
