import Foundation
import HTTPServer
import HookKit
import Rendering
import StatsStore

extension DaemonAPI {
    static func addRunRoutes(_ router: inout Router, _ core: DaemonCore) {
        router.get("/runs") { _ in
            let runs = try core.reader.runs()
            let snapshot = core.live.snapshot
            return .json(JSONOut.object([("runs", .array(runs.map { runJSON($0, snapshot.progress[$0.id], core) }))]).data)
        }
        router.post("/runs") { request in
            try request.requireJSONBody()
            let id = try mapping { try core.submit(spec: request.body) }
            var response = HTTPResponse.json(JSONOut.object([
                ("id", .int(id)), ("status", .string("queued")), ("url", .string("/runs/\(id)")),
            ]).data, status: .accepted)
            response.headers["Location"] = "/runs/\(id)"
            return response
        }
        router.get("/runs/{id}") { request in
            let id = try integer(try request.parameter("id"), name: "run id", range: 1...Int64.max)
            let record = try mapping { try core.reader.run(id) }
            return .json(runJSON(record, core.live.progress(id), core, detailed: true).data)
        }
        router.get("/runs/{id}/weights") { request in
            let id = try integer(try request.parameter("id"), name: "run id", range: 1...Int64.max)
            let record = try mapping { try core.reader.run(id) }
            // The path is the daemon's own, from its stats file; nothing from the request names a file.
            guard let checkpoint = record.checkpointPath, FileManager.default.fileExists(atPath: checkpoint) else {
                if record.rank != 0 {
                    throw HTTPError.conflict("run \(id) is rank \(record.rank) of a data-parallel run: rank 0's daemon keeps its checkpoint",
                                             code: "no_checkpoint")
                }
                throw HTTPError.conflict("run \(id) has no checkpoint yet (one is written at each epoch end)", code: "no_checkpoint")
            }
            let data = try TrainingJob.exportWeights(fromCheckpoint: URL(fileURLWithPath: checkpoint))
            return HTTPResponse(headers: ["Content-Type": "application/octet-stream",
                                          "Content-Disposition": "attachment; filename=\"run-\(id)-weights.pt\""], body: data)
        }
        router.post("/runs/{id}/resume") { request in
            let id = try integer(try request.parameter("id"), name: "run id", range: 1...Int64.max)
            let record = try mapping { try core.resume(id) }
            return .json(JSONOut.object([
                ("id", .int(id)), ("status", .string(record.status.rawValue)),
                ("resumes_from", .text(record.checkpointPath)), ("url", .string("/runs/\(id)")),
            ]).data, status: .accepted)
        }
        router.delete("/runs/{id}") { request in
            let id = try integer(try request.parameter("id"), name: "run id", range: 1...Int64.max)
            switch try mapping({ try core.cancel(id) }) {
            case .cancelled:
                return .json(JSONOut.object([("id", .int(id)), ("status", .string("cancelled"))]).data)
            case .stopping:
                return .json(JSONOut.object([
                    ("id", .int(id)), ("status", .string("running")), ("stopping", .bool(true)),
                ]).data, status: .accepted)
            case .alreadyEnded(let status):
                throw HTTPError.conflict("run \(id) already ended (\(status))", code: "run_ended")
            }
        }
    }

    /// A run as `/runs` shows it: the stored row, completed with live progress while it trains.
    static func runJSON(_ r: RunRecord, _ live: RunProgress?, _ core: DaemonCore, detailed: Bool = false) -> JSONOut {
        // The row reads `running` from when training starts; while its job builds, the active
        // run is running all the same.
        let status = core.live.activeRunID == r.id ? live?.status ?? r.status : r.status
        let spec = try? RunSpec.parse(Data(r.spec.utf8))
        // A rank the rendezvous assigns is unknown until the run has joined (it then starts).
        let rankUnknown = r.startedAt == nil && spec?.train.distributed.map { $0.rank == nil } == true
        var fields: [(String, JSONOut)] = [
            ("id", .int(r.id)), ("name", .string(r.name)), ("status", .string(status.rawValue)),
            ("created_at", .string(r.createdAt)), ("started_at", .text(r.startedAt)),
            ("finished_at", .text(r.finishedAt)), ("error", .text(r.error)),
            // A run that trains alone is rank 0 of 1, as its stats rows are.
            ("world_size", .int(r.worldSize)), ("rank", rankUnknown ? .null : .int(r.rank)),
        ]
        if let p = live, r.status == .running || core.live.activeRunID == r.id {
            fields += [
                ("phase", .string(p.phase)), ("epoch", .int(p.epoch)), ("epochs", .int(p.epochs)),
                ("batch", .int(p.batch)), ("batches_per_epoch", .int(p.batchesPerEpoch)),
                ("global_batch", .int(p.iteration)), ("total_batches", .int(p.totalBatches)),
                ("loss", .number(p.loss)), ("learning_rate", .number(p.learningRate)),
                ("valid_loss", .number(p.validLoss)), ("accuracy", .number(p.accuracy)),
                ("images_per_second", .number(p.imagesPerSecond)),
            ]
        } else {
            // Not training in this process: what the stats file knows (committed batches).
            let epochs = spec?.train.epochs
            var loss: Double?, validLoss: Double?, accuracy: Double?
            if detailed {
                loss = (try? core.reader.batchMetrics(run: r.id, from: r.batch))?.last?.loss
                let epoch = (try? core.reader.epochMetrics(run: r.id))?.last
                validLoss = epoch?.validLoss
                accuracy = epoch?.accuracy
            }
            fields += [
                ("epoch", .int(r.epoch)), ("epochs", .int(epochs)),
                ("global_batch", .int(r.batch.map { $0 + 1 })), ("loss", .number(loss)),
                ("valid_loss", .number(validLoss)), ("accuracy", .number(accuracy)),
            ]
        }
        fields.append(("checkpoint", .text(r.checkpointPath)))
        if detailed { fields.append(("alerts", alertCountsJSON(run: r.id, core))) }
        return .object(fields)
    }
}
