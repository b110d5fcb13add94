import Foundation
import HTTPServer
import HookKit
import Rendering
import StatsStore

/// The HTTP API of SPEC §5 over a `DaemonCore`: a pure `Router`, testable without a socket.
///
/// Handlers run on microhttpd threads. They read the live snapshot or SQLite (through the
/// reader pool), queue commands, and never touch a model.
public enum DaemonAPI {
    /// The version `/health` reports.
    public static let version = "0.1.0"

    /// Every route of SPEC §5; POST and DELETE need `token` when one is configured.
    public static func router(core: DaemonCore) -> Router {
        let log = core.logger
        var router = Router(token: core.config.token) { request, error in
            log.error("500 for \(request.method) \(request.path): \(error)")
        }
        router.get("/health") { _ in health(core) }
        addRunRoutes(&router, core)
        addModelRoutes(&router, core)
        addStatsRoutes(&router, core)
        addPlotRoutes(&router, core)
        addHookRoutes(&router, core)
        addAlertRoutes(&router, core)
        addSeriesRoutes(&router, core)
        addDashboardRoutes(&router, core)
        addEventRoutes(&router, core)
        router.get("/metrics") { _ in metrics(core) }
        return router
    }

    static func health(_ core: DaemonCore) -> HTTPResponse {
        let snapshot = core.live.snapshot
        return .json(JSONOut.object([
            ("status", .string(core.isShuttingDown ? "shutting_down" : "ok")),
            ("version", .string(version)),
            ("active_run", .int(snapshot.activeRunID)),
            ("queued_runs", .int(core.waitingRuns.count)),
            ("stats_writer", .string(core.writer.isRetrying ? "retrying" : core.writer.lastError == nil ? "ok" : "failed")),
        ]).data)
    }

    /// Runs `body`, turning store, spec and daemon errors into SPEC §5's JSON errors.
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StatsStoreError {
            switch error {
            case .runNotFound: throw HTTPError.notFound(error.description, code: "run_not_found")
            case .noRuns: throw HTTPError.notFound(error.description, code: "no_runs")
            case .layerNotFound: throw HTTPError.notFound(error.description, code: "layer_not_found")
            case .invalidArgument(let what): throw HTTPError.badRequest(what, code: "invalid_parameter")
            case .runNotResumable: throw HTTPError.conflict(error.description, code: "run_not_resumable")
            case .writerClosed: throw HTTPError.unavailable("the daemon is shutting down", code: "shutting_down")
            default: throw error
            }
        } catch let error as SpecError {
            throw HTTPError.badRequest(error.description, code: "invalid_spec")
        } catch let error as DaemonError {
            throw HTTPError.unavailable(error.description, code: "shutting_down")
        }
    }

    /// The run a read refers to: `?run=`, else the active run, else the latest one.
    static func selectedRun(_ request: HTTPRequest, _ core: DaemonCore) throws -> Int64 {
        if let text = request.query["run"] {
            let id = try integer(text, name: "run", range: 1...Int64.max)
            _ = try mapping { try core.reader.run(id) }
            return id
        }
        if let active = core.live.activeRunID { return active }
        guard let latest = try core.reader.latestRunID() else {
            throw HTTPError.notFound("no runs yet; queue one with POST /runs", code: "no_runs")
        }
        return latest
    }

    /// A query or path integer, 400 when malformed or out of range.
    static func integer(_ text: String, name: String, range: ClosedRange<Int64> = Int64.min...Int64.max) throws -> Int64 {
        guard let value = Int64(text), range.contains(value) else {
            let bound = range.lowerBound == Int64.min ? "" : " >= \(range.lowerBound)"
            throw HTTPError.badRequest("\(name) must be an integer\(bound), got '\(text)'", code: "invalid_parameter")
        }
        return value
    }

    /// A `format` query value among `allowed`; the first is the default.
    static func format(_ request: HTTPRequest, allowed: [String]) throws -> String {
        guard let value = request.query["format"] else { return allowed[0] }
        guard allowed.contains(value) else {
            throw HTTPError.badRequest("format must be one of \(allowed.joined(separator: ", ")), got '\(value)'", code: "invalid_parameter")
        }
        return value
    }
}
